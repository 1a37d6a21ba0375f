/**
 * Reading a multipart/form-data upload: each `file` part is streamed into a temp file (never held
 * whole in memory) and the request is cut off with 413 as soon as it is known to be too big: by
 * Content-Length before a byte is read, else by counting the bytes as they stream. On any failure
 * the temp folder is removed before the error is thrown.
 */
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { ApiError } from "../errors.js";

export interface ReceivedFile {
  /** The client's file name, cleaned (no folders, no control characters); only ever shown, never a path. */
  name: string;
  path: string;
  size: number;
}

export interface ReceiveOptions {
  /** The most file bytes one request may carry (all its files together). */
  maxBytes: number;
  maxFiles: number;
  /** Where the per-request temp folder is made. */
  tempRoot: string;
}

/** Room for the multipart boundaries and part headers around the file bytes. */
const ENVELOPE_BYTES = 64 * 1024;
export const FILE_FIELD = "file";

export const tooLarge = (maxBytes: number) =>
  new ApiError(413, "TOO_LARGE", `the upload is larger than the limit of ${maxBytes} bytes (GENJED_UPLOAD_MAX_BYTES)`, { limit: maxBytes });

/**
 * The received files, in a temp folder the caller removes (`dir`) once it has stored them.
 * `incoming`: the Node request under a real server, piped straight into the parser so the file
 * writes pace the socket with no web-stream bridge queueing in between; without one, `req.body`.
 */
export async function receiveFiles(req: Request, o: ReceiveOptions, incoming?: Readable): Promise<{ dir: string; files: ReceivedFile[] }> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new ApiError(415, "NOT_MULTIPART", `uploads are sent as multipart/form-data with the file in a "${FILE_FIELD}" part; got content-type "${type.slice(0, 100)}"`);
  }
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > o.maxBytes + ENVELOPE_BYTES) {
    if (!incoming) await req.body?.cancel().catch(() => {});
    throw tooLarge(o.maxBytes);
  }
  const source = incoming ?? (req.body ? Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>) : null);
  if (!source) throw new ApiError(400, "INVALID_BODY", `the request has no body; send the file in a "${FILE_FIELD}" part`);

  await mkdir(o.tempRoot, { recursive: true });
  const dir = await mkdtemp(path.join(o.tempRoot, "genjed-upload-"));
  try {
    // Stop reading on failure: the server's own request drops what is left after the answer (so the
    // client still gets the 413); a stream made here from `req.body` is ours to cancel.
    const stop = incoming ? () => source.pause() : () => source.destroy();
    return { dir, files: await parse(source, stop, type, dir, o) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function parse(source: Readable, stop: () => void, contentType: string, dir: string, o: ReceiveOptions): Promise<ReceivedFile[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        limits: { fileSize: o.maxBytes, files: o.maxFiles, fields: 20, fieldSize: 4096, parts: o.maxFiles + 20 },
      });
    } catch (e) {
      reject(new ApiError(400, "INVALID_BODY", `malformed multipart/form-data: ${(e as Error).message}`));
      return;
    }
    const files: ReceivedFile[] = [];
    const writes: Promise<void>[] = [];
    const open = new Set<Readable>();
    let failed: Error | null = null;
    let fileBytes = 0;
    let rawBytes = 0;

    const fail = (err: Error) => {
      if (failed) return;
      failed = err;
      source.unpipe(counter);
      counter.unpipe(parser);
      stop();
      // Busboy ends a file stream only when more body arrives; end them here so the writers finish.
      for (const s of open) s.destroy();
      // Let the file writers stop and close before the caller removes the folder.
      void Promise.allSettled(writes).then(() => reject(err));
    };

    // The whole body is bounded too, so parts without files cannot stream forever.
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        rawBytes += chunk.length;
        if (rawBytes > o.maxBytes + ENVELOPE_BYTES) {
          fail(tooLarge(o.maxBytes));
          done();
          return;
        }
        done(null, chunk);
      },
    });

    parser.on("file", (field, stream, info) => {
      if (failed) return stream.resume();
      if (field !== FILE_FIELD) {
        stream.resume();
        return fail(new ApiError(400, "INVALID_BODY", `unexpected file part "${field.slice(0, 100)}": files are sent in "${FILE_FIELD}" parts`));
      }
      const file: ReceivedFile = { name: cleanName(info.filename), path: path.join(dir, String(files.length)), size: 0 };
      files.push(file);
      open.add(stream);
      stream.on("close", () => open.delete(stream));
      stream.on("limit", () => fail(tooLarge(o.maxBytes)));
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          file.size += chunk.length;
          fileBytes += chunk.length;
          if (fileBytes > o.maxBytes) {
            fail(tooLarge(o.maxBytes));
            done(new Error("upload too large"));
            return;
          }
          done(null, chunk);
        },
      });
      writes.push(
        pipeline(stream, count, createWriteStream(file.path)).catch((e: Error) => {
          stream.resume();
          fail(failed ?? new ApiError(400, "INVALID_BODY", `the upload of "${file.name}" broke off: ${e.message}`));
        }),
      );
    });
    parser.on("filesLimit", () => fail(new ApiError(413, "TOO_MANY_FILES", `at most ${o.maxFiles} files per upload request`)));
    parser.on("partsLimit", () => fail(new ApiError(413, "TOO_MANY_PARTS", `too many parts in one upload request`)));
    parser.on("error", (e: Error) => fail(new ApiError(400, "INVALID_BODY", `malformed multipart/form-data: ${e.message}`)));
    parser.on("close", () => {
      void Promise.all(writes).then(() => {
        if (!failed) resolve(files);
      });
    });
    source.on("error", (e) => fail(failed ?? new ApiError(400, "INVALID_BODY", `the upload broke off: ${e.message}`)));
    source.pipe(counter).pipe(parser);
  });
}

/** Only the last path segment, without control characters, at most 255 characters. */
export function cleanName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  const name = base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 255);
  return name === "" || name === "." || name === ".." ? "upload" : name;
}
