import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { runFfmpeg } from "../lib/media/ffmpeg.js";
import { createMediaStorage, mediaKind, type WorkerMediaStorage } from "./storage.js";

let db: TestDatabase;
let dir: string;
let storage: WorkerMediaStorage;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), "genjed-storage-test-"));
  storage = createMediaStorage({ root: path.join(dir, "media"), sql: db.sql, tempRoot: dir });
});
afterAll(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe("media storage", () => {
  it("stores an image once by content hash, with probe metadata and a thumbnail", async () => {
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#3366aa" } }).png().toBuffer();
    const a = await storage.put(png, { mime: "image/png", meta: { renderer: "test" } });
    const b = await storage.put(png, { mime: "image/png" });
    expect(a.hash).toMatch(/^[a-f0-9]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(a).toMatchObject({ kind: "image", mime: "image/png", size: png.length, url: `/media/${a.hash}` });
    expect(a.meta).toMatchObject({ width: 800, height: 600, renderer: "test" });
    expect(storage.path(a.hash)).toBe(path.join(dir, "media", a.hash.slice(0, 2), a.hash));
    expect(await storage.read(a.hash)).toEqual(png);

    const rows = await db.sql`select hash, mime, size, meta from media where hash = ${a.hash}`;
    expect(rows).toHaveLength(1);
    expect(rows[0].meta).toMatchObject({ width: 800, height: 600, renderer: "test", thumbnail: a.thumbnail });

    expect(a.thumbnail).toMatch(/^[a-f0-9]{64}$/);
    const thumb = await sharp(storage.path(a.thumbnail!)).metadata();
    expect(thumb).toMatchObject({ format: "jpeg", width: 320, height: 240 });
    expect(await storage.describe(a.hash)).toMatchObject({ hash: a.hash, kind: "image", thumbnail: a.thumbnail });
  });

  it("probes a video file put by path (duration, size, codecs, fps) and thumbnails it", async () => {
    const tmp = await storage.tempDir();
    const file = path.join(tmp, "clip.mp4");
    await runFfmpeg([
      "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
      "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", file,
    ]);
    const ref = await storage.put({ path: file }, { mime: "video/mp4" });
    expect(ref.kind).toBe("video");
    expect(ref.meta).toMatchObject({ width: 320, height: 240, fps: 25, videoCodec: "h264", audioCodec: "aac" });
    expect(ref.meta.durationSec).toBeGreaterThan(1.9);
    expect(ref.meta.durationSec).toBeLessThan(2.2);
    expect(ref.thumbnail).toBeDefined();
    // The caller's file is copied in, not taken away.
    expect((await stat(file)).size).toBe(ref.size);
  });

  it("probes audio without a thumbnail", async () => {
    const tmp = await storage.tempDir();
    const file = path.join(tmp, "tone.wav");
    await runFfmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=1.5", file]);
    const ref = await storage.put({ path: file }, { mime: "audio/wav" });
    expect(ref).toMatchObject({ kind: "audio", meta: { audioCodec: "pcm_s16le" } });
    expect(ref.meta.durationSec).toBeCloseTo(1.5, 1);
    expect(ref.thumbnail).toBeUndefined();
  });

  it("gives scoped scratch directories that dispose() removes", async () => {
    const scope = storage.scope();
    const d1 = await scope.tempDir();
    await writeFile(path.join(d1, "x.txt"), "scratch");
    expect(await readFile(path.join(d1, "x.txt"), "utf8")).toBe("scratch");
    await scope.dispose();
    await expect(stat(d1)).rejects.toThrow();
  });

  it("refuses paths that are not hashes (no directory traversal)", () => {
    expect(() => storage.path("../../etc/passwd")).toThrow(/not a media hash/);
  });

  it("derives the kind from the mime type", () => {
    expect(mediaKind("image/png")).toBe("image");
    expect(mediaKind("video/mp4")).toBe("video");
    expect(mediaKind("audio/mpeg")).toBe("audio");
    expect(mediaKind("application/json")).toBe("file");
  });
});
