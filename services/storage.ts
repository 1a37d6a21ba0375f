/**
 * Content-addressed media storage: every blob lives once under root/<first two hex>/<sha256>, with a
 * row in the `media` table holding its mime, size and probe metadata (width, height, duration,
 * codecs, fps) and the hash of a JPEG thumbnail for images and videos. Nodes get it as ctx.storage.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { Queryable } from "../db/index.js";
import type { MediaRef } from "../schemas/index.js";
import type { MediaStorage } from "../nodes/contract.js";
import { probeMedia } from "../lib/media/probe.js";
import { imageThumbnail, videoThumbnail } from "../lib/media/thumbnail.js";

export interface MediaStorageOptions {
  /** Folder holding the blobs (GENJED_HOME/media). */
  root: string;
  sql: Queryable;
  /** Where scratch directories go; default the OS temp folder. */
  tempRoot?: string;
}

/** Storage for one worker. `scope()` gives a node execution its own view whose scratch dirs it disposes. */
export interface WorkerMediaStorage extends MediaStorage {
  scope(): ScopedMediaStorage;
  /** The stored row of a blob, or undefined. */
  describe(hash: string): Promise<MediaRef | undefined>;
}

export interface ScopedMediaStorage extends MediaStorage {
  /** Remove the scratch directories made through this scope (call when the node finishes). */
  dispose(): Promise<void>;
}

const HASH_RE = /^[a-f0-9]{64}$/;

export function mediaKind(mime: string): MediaRef["kind"] {
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("video/")) return "video";
  if (mime.startsWith("audio/")) return "audio";
  return "file";
}

export function createMediaStorage(opts: MediaStorageOptions): WorkerMediaStorage {
  const root = path.resolve(opts.root);
  const tempRoot = opts.tempRoot ?? os.tmpdir();
  const { sql } = opts;

  const blobPath = (hash: string) => {
    if (!HASH_RE.test(hash)) throw new Error(`not a media hash: ${JSON.stringify(hash)}`);
    return path.join(root, hash.slice(0, 2), hash);
  };

  /** Write the blob into place atomically (temp file + rename) so readers never see half a file. */
  async function place(hash: string, from: Buffer | string): Promise<string> {
    const dest = blobPath(hash);
    try {
      await stat(dest);
      return dest; // identical bytes are already stored
    } catch {
      // not there yet
    }
    await mkdir(path.dirname(dest), { recursive: true });
    const partial = `${dest}.${randomBytes(4).toString("hex")}.part`;
    if (typeof from === "string") await copyFile(from, partial);
    else await writeFile(partial, from);
    await rename(partial, dest);
    return dest;
  }

  async function probe(file: string, kind: MediaRef["kind"]): Promise<Record<string, unknown>> {
    if (kind === "image") {
      const m = await sharp(file).metadata();
      return { width: m.width, height: m.height, format: m.format, hasAlpha: m.hasAlpha };
    }
    if (kind === "video" || kind === "audio") {
      const p = await probeMedia(file);
      const { hasVideo: _v, hasAudio: _a, ...rest } = p;
      return rest;
    }
    return {};
  }

  async function makeThumbnail(file: string, kind: MediaRef["kind"], meta: Record<string, unknown>): Promise<string | undefined> {
    if (kind !== "image" && kind !== "video") return undefined;
    const jpeg = kind === "image" ? await imageThumbnail(file) : await videoThumbnail(file, meta.durationSec as number | undefined);
    const hash = sha256(jpeg);
    await place(hash, jpeg);
    const thumbMeta = await probe(blobPath(hash), "image");
    await upsertRow(hash, "image/jpeg", jpeg.length, { ...thumbMeta, thumbnailOf: true });
    return hash;
  }

  async function upsertRow(hash: string, mime: string, size: number, meta: Record<string, unknown>) {
    // Same bytes stored again (maybe by another node): keep the row, merge any new metadata in.
    await sql`
      insert into media (hash, mime, size, meta) values (${hash}, ${mime}, ${size}, ${JSON.stringify(meta)}::jsonb)
      on conflict (hash) do update set meta = media.meta || excluded.meta`;
  }

  const storage: WorkerMediaStorage = {
    async put(data, { mime, meta: extra }) {
      const kind = mediaKind(mime);
      let hash: string;
      let dest: string;
      if (Buffer.isBuffer(data)) {
        hash = sha256(data);
        dest = await place(hash, data);
      } else {
        hash = await sha256File(data.path);
        dest = await place(hash, data.path);
      }
      const size = (await stat(dest)).size;
      const probed = await probe(dest, kind);
      const meta = { ...probed, ...(extra ?? {}) } as Record<string, unknown>;
      const thumbnail = await makeThumbnail(dest, kind, meta);
      if (thumbnail) meta.thumbnail = thumbnail;
      await upsertRow(hash, mime, size, meta);
      const { thumbnail: _t, ...refMeta } = meta;
      return { hash, mime, size, url: `/media/${hash}`, kind, meta: refMeta, ...(thumbnail ? { thumbnail } : {}) };
    },
    path: blobPath,
    read: (hash) => readFile(blobPath(hash)),
    async tempDir() {
      await mkdir(tempRoot, { recursive: true });
      return mkdtemp(path.join(tempRoot, "genjed-node-"));
    },
    async describe(hash) {
      if (!HASH_RE.test(hash)) return undefined;
      const rows = await sql<{ hash: string; mime: string; size: number; meta: Record<string, unknown> }[]>`
        select hash, mime, size, meta from media where hash = ${hash}`;
      const row = rows[0];
      if (!row) return undefined;
      const { thumbnail, ...meta } = row.meta;
      return {
        hash: row.hash,
        mime: row.mime,
        size: Number(row.size),
        url: `/media/${row.hash}`,
        kind: mediaKind(row.mime),
        meta,
        ...(typeof thumbnail === "string" ? { thumbnail } : {}),
      };
    },
    scope() {
      const dirs: string[] = [];
      return {
        put: storage.put,
        path: storage.path,
        read: storage.read,
        async tempDir() {
          const dir = await storage.tempDir();
          dirs.push(dir);
          return dir;
        },
        async dispose() {
          await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
        },
      };
    },
  };
  return storage;
}

function sha256(buf: Buffer): string {
  return createHash("sha256").update(buf).digest("hex");
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file)
      .on("data", (d) => h.update(d))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
}
