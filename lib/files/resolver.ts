/**
 * The one file resolver: every path a user supplies (catalogue files, product images, logos,
 * condition feeds) is either an upload of the caller's workspace (`upload:<sha256>`) or a
 * relative path inside the shipped examples/ folder. Anything else (absolute paths, `..`, NUL,
 * `file://` and other schemes, symlinks whose target leaves examples/) is refused with
 * PATH_NOT_ALLOWED naming the field, before a byte is read. The resolver does not know the
 * database: the workspace's uploads come through an injected lookup.
 */
import { realpath, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The install folder (holds examples/), whatever the working directory. */
export const INSTALL_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const UPLOAD_PREFIX = "upload:";
const UPLOAD_RE = /^upload:([a-f0-9]{64})$/;

export class PathNotAllowedError extends Error {
  readonly code = "PATH_NOT_ALLOWED";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "PathNotAllowedError";
    this.reason = message;
  }

  /** The message without the field (for callers that name the field their own way). */
  readonly reason: string;
}

/** An allowed path whose file is not there (a typo in examples/, a deleted upload). */
export class FileNotFoundError extends Error {
  readonly code = "FILE_NOT_FOUND";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "FileNotFoundError";
  }
}

/** An upload of the workspace, as the lookup returns it. */
export interface UploadedFile {
  read(): Promise<Buffer>;
  mime?: string;
  size?: number;
}

/** The workspace's upload with this sha256, or undefined when the workspace has none. */
export type UploadLookup = (hash: string) => Promise<UploadedFile | undefined>;

export interface ResolvedFile {
  kind: "upload" | "example";
  /** What to show in messages and metadata: the examples path or the upload reference. Never an absolute path. */
  name: string;
  /** For examples: the folder (relative, "examples/demo-catalog") that relative references inside the file resolve against. */
  dir?: string;
  mime?: string;
  read(): Promise<Buffer>;
}

export interface FileResolver {
  /**
   * Check `value` (from `field`) and give back something to read. `relativeTo`: the file that
   * named this one (a catalogue naming its images), whose examples folder a bare relative path
   * is resolved against.
   */
  resolve(value: string, field: string, o?: { relativeTo?: ResolvedFile }): Promise<ResolvedFile>;
}

export interface FileResolverOptions {
  uploads: UploadLookup;
  /** Folder holding examples/ (default: the install folder). */
  root?: string;
}

/** Shown in refusals so the user knows what would work. */
const ALLOWED = `use an upload (${UPLOAD_PREFIX}<sha256>) or a path inside examples/`;

const quote = (v: string) => JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v);

/** The syntactic checks: relative, no `..`, no NUL, no scheme. Returns the path's segments. */
function checkSyntax(value: string, field: string): string[] {
  if (value.includes("\0")) throw new PathNotAllowedError(field, `the path contains a NUL character; ${ALLOWED}`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) {
    throw new PathNotAllowedError(field, `${quote(value)} is not allowed: ${value.split(":")[0]}: references cannot be read as files; ${ALLOWED}`);
  }
  if (path.isAbsolute(value) || path.win32.isAbsolute(value) || value.startsWith("~")) {
    throw new PathNotAllowedError(field, `${quote(value)} is not allowed: absolute paths are refused; ${ALLOWED}`);
  }
  if (value.includes("\\")) throw new PathNotAllowedError(field, `${quote(value)} is not allowed: use / in paths; ${ALLOWED}`);
  const segments = value.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new PathNotAllowedError(field, `${quote(value)} is not allowed: ".." is refused; ${ALLOWED}`);
  if (!segments.length) throw new PathNotAllowedError(field, `no file given; ${ALLOWED}`);
  return segments;
}

/**
 * The checks that need no file system, for validating a setting when it is saved (a trigger's
 * feed): an upload reference's shape, or a relative path under examples/ without `..`, NUL or a
 * scheme. Whether the upload belongs to the workspace, and where symlinks lead, is checked when
 * the file is read.
 */
export function checkReference(raw: string, field: string): void {
  const value = raw.trim();
  if (UPLOAD_RE.test(value.toLowerCase())) return;
  if (value.toLowerCase().startsWith(UPLOAD_PREFIX)) throw new PathNotAllowedError(field, `${quote(value)} is not an upload reference (${UPLOAD_PREFIX} then 64 hex digits)`);
  const segments = checkSyntax(value, field);
  if (segments[0] !== "examples" || segments.length < 2) {
    throw new PathNotAllowedError(field, `${quote(value)} is not allowed: relative paths must be inside examples/; ${ALLOWED}`);
  }
}

export function createFileResolver(o: FileResolverOptions): FileResolver {
  const root = path.resolve(o.root ?? INSTALL_ROOT);
  const examples = path.join(root, "examples");
  let examplesReal: Promise<string> | undefined;

  async function resolveExample(segments: string[], value: string, field: string): Promise<ResolvedFile> {
    const rel = segments.join("/");
    if (segments[0] !== "examples" || segments.length < 2) {
      throw new PathNotAllowedError(field, `${quote(value)} is not allowed: relative paths must be inside examples/; ${ALLOWED}`);
    }
    const base = await (examplesReal ??= realpath(examples).catch(() => examples));
    let real: string;
    try {
      real = await realpath(path.join(root, ...segments));
    } catch {
      throw new FileNotFoundError(field, `file not found: ${rel}`);
    }
    // A symlink inside examples/ may not lead out of it.
    if (real !== base && !real.startsWith(base + path.sep)) {
      throw new PathNotAllowedError(field, `${quote(value)} is not allowed: it leads outside examples/; ${ALLOWED}`);
    }
    if (!(await stat(real)).isFile()) throw new FileNotFoundError(field, `${rel} is not a file`);
    return { kind: "example", name: rel, dir: segments.slice(0, -1).join("/"), read: () => readFile(real) };
  }

  return {
    async resolve(raw, field, opts = {}) {
      if (typeof raw !== "string") throw new PathNotAllowedError(field, `expected a file reference; ${ALLOWED}`);
      const value = raw.trim();
      const upload = UPLOAD_RE.exec(value.toLowerCase());
      if (upload) {
        const file = await o.uploads(upload[1]);
        if (!file) throw new PathNotAllowedError(field, `${value} is not an upload of this workspace; upload the file first`);
        return { kind: "upload", name: `${UPLOAD_PREFIX}${upload[1]}`, ...(file.mime ? { mime: file.mime } : {}), read: () => file.read() };
      }
      if (value.toLowerCase().startsWith(UPLOAD_PREFIX)) throw new PathNotAllowedError(field, `${quote(value)} is not an upload reference (${UPLOAD_PREFIX} then 64 hex digits)`);
      const segments = checkSyntax(value, field);
      const rel = opts.relativeTo;
      // "images/a.png" inside examples/demo-catalog/products.json means examples/demo-catalog/images/a.png.
      if (rel?.kind === "example" && rel.dir && segments[0] !== "examples") return resolveExample([...rel.dir.split("/"), ...segments], value, field);
      return resolveExample(segments, value, field);
    },
  };
}
