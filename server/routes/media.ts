import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { Hono } from "hono";
import type { ServerDeps } from "../deps.js";
import { authOf } from "../auth/middleware.js";
import { z } from "zod";
import { notFound } from "../errors.js";
import { route } from "../route.js";

const MediaParams = z.object({ hash: z.string().regex(/^[a-f0-9]{64}$/, "a media hash is 64 hex digits").meta({ notFound: "media" }) });

/** Stored media by content hash, with Range support so video can seek. Immutable, so cached forever. */
export function mediaRoutes(deps: ServerDeps) {
  const app = new Hono();
  route(app, { method: "GET", path: "/:hash", summary: "A stored blob by content hash (byte ranges)", params: MediaParams }, async (c, { params: { hash } }) => {
    // Readable only from a workspace whose runs produced or used it (404 elsewhere, like any resource).
    const workspaceId = authOf(c).workspace.id;
    const [row] = await deps.database.sql<{ mime: string }[]>`
      select m.mime from media m
      where m.hash = ${hash} and exists (select 1 from media_workspaces w where w.hash = m.hash and w.workspace_id = ${workspaceId})`;
    const file = path.join(deps.mediaRoot, hash.slice(0, 2), hash);
    const info = row ? await stat(file).catch(() => null) : null;
    if (!row || !info) throw notFound("media", hash);
    const size = info.size;
    const headers: Record<string, string> = {
      "content-type": row.mime,
      "accept-ranges": "bytes",
      // private: the same URL answers 404 to another workspace, so shared caches must not keep it.
      "cache-control": "private, max-age=31536000, immutable",
      etag: `"${hash}"`,
      // Uploaded bytes are served under their sniffed type only: a browser must not guess HTML from them.
      "x-content-type-options": "nosniff",
    };
    if (c.req.header("if-none-match") === `"${hash}"`) return c.body(null, 304, headers);
    const range = c.req.header("range");
    if (range) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      let start = m && m[1] !== "" ? Number(m[1]) : NaN;
      let end = m && m[2] !== "" ? Number(m[2]) : size - 1;
      if (m && m[1] === "" && m[2] !== "") {
        start = Math.max(0, size - Number(m[2]));
        end = size - 1;
      }
      if (!m || Number.isNaN(start) || start >= size || start > end) {
        return c.body(null, 416, { ...headers, "content-range": `bytes */${size}` });
      }
      end = Math.min(end, size - 1);
      const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream;
      return c.body(body, 206, { ...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(end - start + 1) });
    }
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream;
    return c.body(body, 200, { ...headers, "content-length": String(size) });
  });
  return app;
}
