/**
 * Uploads, mounted at /api/uploads:
 *   POST   /api/uploads         multipart/form-data, one or more `file` parts -> { uploads: UploadView[] }
 *   GET    /api/uploads         the workspace's uploads, newest first (?kind=&limit=&offset=)
 *   GET    /api/uploads/:hash   one of them
 *   DELETE /api/uploads/:hash   forget it (the blob stays while runs name it)
 * Bytes are streamed to a temp file under a size cap, their type sniffed from the bytes, stored in
 * the content-addressed media storage and recorded for the caller's workspace; file fields then
 * name them `upload:<hash>`. This route reads its own body (the JSON body limit exempts it).
 */
import os from "node:os";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Queryable } from "../../db/index.js";
import type { MediaRef } from "../../schemas/index.js";
import { UploadHashParamSchema, UploadListQuerySchema, type UploadView } from "../../schemas/uploads.js";
import { createMediaStorage } from "../../services/storage.js";
import { writeAudit } from "../auth/audit.js";
import { authOf } from "../auth/middleware.js";
import { clientIp } from "../auth/request.js";
import type { RouteModule } from "../app.js";
import type { ServerDeps } from "../deps.js";
import { ApiError, notFound } from "../errors.js";
import { route } from "../route.js";
import { FILE_FIELD, receiveFiles, type ReceivedFile } from "../uploads/receive.js";
import { deleteUpload, getUpload, listUploads, recordUpload } from "../uploads/records.js";
import { ACCEPTED_TYPES, sniffFile } from "../uploads/sniff.js";

export interface UploadSettings {
  /** GENJED_UPLOAD_MAX_BYTES: the most bytes one upload request may carry. */
  maxBytes: number;
  maxFiles: number;
  /** Where bodies stream to before they are stored; each request's folder is removed after it. */
  tempRoot: string;
}

export const DEFAULT_UPLOAD_MAX_BYTES = 200 * 1024 * 1024;

export function uploadSettings(env: NodeJS.ProcessEnv = process.env): UploadSettings {
  const raw = env.GENJED_UPLOAD_MAX_BYTES;
  const maxBytes = raw === undefined || raw === "" ? DEFAULT_UPLOAD_MAX_BYTES : Number(raw);
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new Error(`GENJED_UPLOAD_MAX_BYTES must be a positive whole number of bytes; got "${raw}"`);
  return { maxBytes, maxFiles: 20, tempRoot: os.tmpdir() };
}

/** The Node request under @hono/node-server (its `env.incoming`), when its body has not been read through `c.req.raw`. */
function nodeRequestOf(c: Context): Readable | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof Readable && !incoming.readableDidRead && incoming.readableFlowing === null ? incoming : undefined;
}

/** Documents the multipart body (OpenAPI); receiveFiles reads it. */
const UploadForm = z.object({ [FILE_FIELD]: z.array(z.file()).min(1).describe(`one or more files, each its own "${FILE_FIELD}" part`) });

export function uploadRoutes(deps: ServerDeps, settings: UploadSettings): Hono {
  const app = new Hono();
  const { sql } = deps.database;
  const storage = createMediaStorage({ root: deps.mediaRoot, sql });
  const audit = (q: Queryable, c: Context, action: string, u: UploadView) => {
    const a = authOf(c);
    return writeAudit(q, {
      workspaceId: a.workspace.id,
      user: a.user,
      action,
      target: u.media.hash,
      details: { name: u.name, mime: u.media.mime, size: u.media.size },
      ip: clientIp(c, deps.auth ?? { trustProxy: false }),
    });
  };

  // The body is multipart and read here, streamed to disk under `settings.maxBytes` (its own limit).
  route(app, { method: "POST", path: "/", summary: "Upload files (multipart/form-data, `file` parts)", body: UploadForm, bodyType: "multipart/form-data", rawBody: true, bodyLimit: "own" }, async (c) => {
    const a = authOf(c);
    const { dir, files } = await receiveFiles(c.req.raw, settings, nodeRequestOf(c));
    try {
      if (files.length === 0) throw new ApiError(400, "INVALID_BODY", `no "${FILE_FIELD}" part: send the file as the multipart/form-data field "${FILE_FIELD}"`, { field: FILE_FIELD });
      // Every file is checked before any is stored: a refused file leaves nothing behind.
      // One at a time: a text catalogue is read whole for its shape check.
      const typed: { file: ReceivedFile; mime: string }[] = [];
      for (const f of files) typed.push({ file: f, mime: await mimeOf(f) });
      const stored: { file: ReceivedFile; media: MediaRef }[] = [];
      for (const { file, mime } of typed) stored.push({ file, media: await store(file, mime) });
      // Recorded together: a request whose second file is unreadable records none of them.
      const out = await sql.begin(async (tx) => {
        const views: UploadView[] = [];
        for (const { file, media } of stored) {
          await recordUpload(tx, { workspaceId: a.workspace.id, userId: a.user.id, name: file.name, media });
          const view = (await getUpload(tx, a.workspace.id, media.hash))!;
          await audit(tx, c, "upload.create", view);
          views.push(view);
        }
        return views;
      });
      return c.json({ uploads: out }, 201);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  async function mimeOf(f: ReceivedFile): Promise<string> {
    const s = await sniffFile(f.path, f.size);
    if (!s.ok) throw new ApiError(415, "UNSUPPORTED_TYPE", `"${f.name}" is not an accepted file: ${s.reason}. Accepted: ${ACCEPTED_TYPES}`, { file: f.name });
    return s.mime;
  }

  async function store(f: ReceivedFile, mime: string): Promise<MediaRef> {
    try {
      return await storage.put({ path: f.path }, { mime });
    } catch (e) {
      // Right signature, broken body (a truncated PNG, a video ffprobe cannot read).
      throw new ApiError(422, "UNREADABLE_FILE", `"${f.name}" starts like ${mime} but could not be read as one: ${(e as Error).message.split("\n")[0].slice(0, 200)}`, { file: f.name });
    }
  }

  route(app, { method: "GET", path: "/", summary: "The workspace's uploads, newest first", query: UploadListQuerySchema }, async (c, { query }) =>
    c.json(await listUploads(sql, authOf(c).workspace.id, query)),
  );

  route(app, { method: "GET", path: "/:hash", summary: "One upload of the workspace", params: UploadHashParamSchema }, async (c, { params: { hash } }) => {
    const u = await getUpload(sql, authOf(c).workspace.id, hash);
    if (!u) throw notFound("upload", hash);
    return c.json(u);
  });

  route(app, { method: "DELETE", path: "/:hash", summary: "Forget an upload (the blob stays while runs name it)", params: UploadHashParamSchema }, async (c, { params: { hash } }) => {
    const removed = await sql.begin(async (tx) => {
      const r = await deleteUpload(tx, authOf(c).workspace.id, hash);
      if (r) await audit(tx, c, "upload.delete", r);
      return r;
    });
    if (!removed) throw notFound("upload", hash);
    return c.body(null, 204);
  });
  return app;
}

/** Editors and owners upload and delete; everyone in the workspace may list and pick. */
export const uploadFeatureWith =
  (settings: UploadSettings): RouteModule =>
  (deps) => ({
    prefix: "uploads",
    app: uploadRoutes(deps, settings),
    access: [
      { method: "POST", path: "/", access: "editor" },
      { method: "GET", path: "/", access: "viewer" },
      { method: "GET", path: "/:hash", access: "viewer" },
      { method: "DELETE", path: "/:hash", access: "editor" },
    ],
  });

export const uploadFeature: RouteModule = (deps) => uploadFeatureWith(uploadSettings())(deps);
