import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageSizeFor, parseAspect, videoSizeFor } from "./aspect.js";
import { filterValue, runFfmpeg } from "./ffmpeg.js";
import { resolveFont, wrapText } from "./fonts.js";
import { measureIntegratedLoudness } from "./loudness.js";
import { musicBedSource } from "./music-bed.js";
import { probeMedia } from "./probe.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "genjed-media-test-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("ffmpeg helpers", () => {
  it("escapes file paths for filter graphs: a font and a text file in a folder named with : , ' [ ] ;", async () => {
    const odd = path.join(dir, "we'ird: dir, [x]; y");
    await mkdir(odd);
    const font = path.join(odd, "font.ttf");
    await copyFile(resolveFont("DejaVu Sans").file, font);
    const text = path.join(odd, "t.txt");
    await writeFile(text, "50% off: 'today' only, [really]; %{pts}");
    const out = path.join(dir, "text.mp4");
    await runFfmpeg([
      "-f", "lavfi", "-i", "color=c=black:s=320x180:d=0.5",
      "-filter_complex", `[0:v]drawtext=fontfile=${filterValue(font)}:textfile=${filterValue(text)}:expansion=none:fontcolor=white:fontsize=20:x=10:y=10[v]`,
      "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", out,
    ]);
    expect((await probeMedia(out)).width).toBe(320);
  });

  it("stops ffmpeg when the signal aborts", async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = runFfmpeg(["-re", "-f", "lavfi", "-i", "testsrc=d=30", "-f", "null", "-"], { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await expect(p).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("says why ffmpeg failed", async () => {
    await expect(runFfmpeg(["-i", path.join(dir, "missing.mp4"), "-f", "null", "-"])).rejects.toThrow(/No such file or directory/);
  });

  it("synthesises a music bed of the requested length at a sensible level", async () => {
    const out = path.join(dir, "bed.wav");
    await runFfmpeg(["-filter_complex", `${musicBedSource(4, 2)},aresample=48000`, out]);
    const p = await probeMedia(out);
    expect(p.durationSec).toBeCloseTo(4, 1);
    const lufs = await measureIntegratedLoudness(out);
    expect(lufs).toBeGreaterThan(-30);
    expect(lufs).toBeLessThan(-8);
  });
});

describe("sizes and text", () => {
  it("computes image and video sizes from aspect ratios", () => {
    expect(imageSizeFor("1:1")).toEqual({ width: 1024, height: 1024 });
    expect(imageSizeFor("16:9")).toEqual({ width: 1344, height: 768 });
    expect(videoSizeFor("9:16", 1080)).toEqual({ width: 1080, height: 1920 });
    expect(videoSizeFor("16:9", 2160)).toEqual({ width: 3840, height: 2160 });
    expect(videoSizeFor("4:5", 1080)).toEqual({ width: 1080, height: 1350 });
    expect(() => parseAspect("wide")).toThrow(/not an aspect ratio/);
  });

  it("wraps words and maps brand fonts onto the shipped DejaVu family", () => {
    expect(wrapText("Stride Runner now only €89.95 this week", 14)).toEqual(["Stride Runner", "now only", "€89.95 this", "week"]);
    expect(resolveFont("Inter").substituted).toBe(true);
    expect(resolveFont("DejaVu Serif").file).toMatch(/DejaVuSerif-Bold\.ttf$/);
    expect(resolveFont("Roboto Mono", "regular").file).toMatch(/DejaVuSansMono\.ttf$/);
  });
});
