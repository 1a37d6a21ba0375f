import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePng, makeWav } from "../../test/fakes/sample-media.js";
import { sniffFile, sniffText } from "./sniff.js";

const require = createRequire(import.meta.url);
const ffmpeg = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "sniff-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Render a short clip with the real ffmpeg, named `.bin` so the name cannot help. */
async function render(name: string, args: string[]): Promise<string> {
  const out = path.join(dir, `${name}.${args.at(-1)}`);
  await promisify(execFile)(ffmpeg, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args.slice(0, -1), out]);
  const bin = path.join(dir, `${name}.bin`);
  await promisify(execFile)("cp", [out, bin]);
  return bin;
}
const tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.3"];
const video = ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5", "-t", "0.4"];

async function sniff(file: string) {
  return sniffFile(file, (await stat(file)).size);
}
async function sniffBytes(name: string, bytes: Buffer) {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return sniff(file);
}

describe("sniffFile", () => {
  it("names images by their bytes", async () => {
    const png = makePng(16, 16, 1);
    expect(await sniffBytes("a.bin", png)).toEqual({ ok: true, mime: "image/png" });
    expect(await sniffBytes("b.png", await sharp(png).jpeg().toBuffer())).toEqual({ ok: true, mime: "image/jpeg" });
    expect(await sniffBytes("c.png", await sharp(png).webp().toBuffer())).toEqual({ ok: true, mime: "image/webp" });
    expect(await sniffBytes("d.png", await sharp(png).gif().toBuffer())).toEqual({ ok: true, mime: "image/gif" });
  });

  it("names video and audio by their bytes", async () => {
    expect(await sniff(await render("mp4", [...video, "-c:v", "libx264", "-pix_fmt", "yuv420p", "mp4"]))).toEqual({ ok: true, mime: "video/mp4" });
    expect(await sniff(await render("mov", [...video, "-c:v", "libx264", "-pix_fmt", "yuv420p", "mov"]))).toEqual({ ok: true, mime: "video/quicktime" });
    expect(await sniff(await render("webm", [...video, "-c:v", "libvpx", "webm"]))).toEqual({ ok: true, mime: "video/webm" });
    expect(await sniff(await render("mp3", [...tone, "-c:a", "libmp3lame", "mp3"]))).toEqual({ ok: true, mime: "audio/mpeg" });
    expect(await sniff(await render("ogg", [...tone, "-c:a", "libvorbis", "ogg"]))).toEqual({ ok: true, mime: "audio/ogg" });
    expect(await sniff(await render("m4a", [...tone, "-c:a", "aac", "m4a"]))).toEqual({ ok: true, mime: "audio/mp4" });
    expect(await sniffBytes("e.mp3", makeWav(0.2))).toEqual({ ok: true, mime: "audio/wav" });
  });

  it("names a TrueType font by its bytes", async () => {
    expect(await sniff(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"))).toEqual({ ok: true, mime: "font/ttf" });
  });

  it("refuses known formats that are not accepted, binary junk and empty files", async () => {
    const zip = Buffer.concat([Buffer.from("PK\x03\x04"), Buffer.alloc(100)]);
    const r = await sniffBytes("f.png", zip);
    expect(r.ok).toBe(false);
    expect(await sniffBytes("g.csv", Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]))).toMatchObject({ ok: false });
    expect(await sniffBytes("h.csv", Buffer.alloc(0))).toEqual({ ok: false, reason: "the file is empty" });
  });
});

describe("sniffText", () => {
  const t = (s: string) => sniffText(Buffer.from(s));
  it("takes CSV with a header and JSON catalogues", () => {
    expect(t("sku,name,price\nA,\"Mug, blue\",3\nB,Cap,4\n")).toEqual({ ok: true, mime: "text/csv" });
    expect(t("\uFEFFname\nMug\n")).toEqual({ ok: true, mime: "text/csv" });
    expect(t('[{"name":"Mug"}]')).toEqual({ ok: true, mime: "application/json" });
    expect(t('  {"products": []}\n')).toEqual({ ok: true, mime: "application/json" });
  });
  it("refuses text that is not a catalogue, without quoting it", () => {
    const broken = t('{"secret": "hunter2"');
    expect(broken.ok).toBe(false);
    expect(JSON.stringify(broken)).not.toContain("hunter2");
    expect(t("a,b\n1,2,3,4\n")).toMatchObject({ ok: false, reason: expect.stringContaining("row 2 has 4 fields") });
    expect(t('a,"b\n1,2\n')).toMatchObject({ ok: false, reason: expect.stringContaining("not valid CSV") });
    expect(t("   \n ")).toMatchObject({ ok: false });
    // An SVG or HTML page would otherwise read as a one-column CSV.
    expect(t('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')).toMatchObject({ ok: false, reason: expect.stringContaining("markup") });
    expect(t("<!doctype html><title>x</title>")).toMatchObject({ ok: false });
    expect(t("name\u0001\nx\n")).toMatchObject({ ok: false, reason: expect.stringContaining("control characters") });
    expect(sniffText(Buffer.from([0xc3, 0x28]))).toMatchObject({ ok: false, reason: expect.stringContaining("UTF-8") });
  });
});
