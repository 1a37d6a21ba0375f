/**
 * Which config fields name a file (and what kind), and what a file field's value is: an upload
 * (`upload:<hash>`), an http(s) URL, or a path (the shipped examples/). Pure, so it is unit-tested.
 */
import { parseUploadRef, type UploadView } from "../../../schemas/uploads.js";
import type { JsonSchema } from "../graph/schema.js";

/** What a file field takes: product photos and logos, or a CSV/JSON catalogue or feed. */
export type FileAccept = "image" | "catalogue";

/**
 * A string field is a file field when its schema says so (`format`/`x-widget` "file", `x-accept`
 * "image" or "catalogue"), or by the names the node configs use for files: `file` (asset.source
 * catalogue), `feed` (condition triggers), `logo` and `image`, and the items of an `images` list.
 */
export function fileFieldAccept(schema: JsonSchema, key: string): FileAccept | null {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type !== "string") return null;
  const declared = schema["x-accept"];
  if (declared === "image" || declared === "catalogue") return declared;
  const marked = schema.format === "file" || schema["x-widget"] === "file";
  if (/^(logo|image|avatar)$/i.test(key) || /^images\[\d+\]$/.test(key)) return "image";
  if (/^(file|feed|catalog(ue)?)$/i.test(key)) return "catalogue";
  return marked ? "catalogue" : null;
}

/** The file picker's `accept`, matching what the server sniffs for each kind. */
export function acceptAttribute(accept: FileAccept): string {
  return accept === "image" ? "image/png,image/jpeg,image/webp,image/gif" : ".csv,.json,text/csv,application/json";
}

/** Whether an earlier upload fits this field (the picker lists only those). */
export function uploadFits(u: Pick<UploadView, "media">, accept: FileAccept): boolean {
  if (accept === "image") return u.media.kind === "image";
  return u.media.mime === "text/csv" || u.media.mime === "application/json";
}

/** The list filter for the picker's GET /api/uploads. */
export const kindFor = (accept: FileAccept) => (accept === "image" ? "image" : "file");

export type FileValue = { kind: "empty" } | { kind: "upload"; hash: string } | { kind: "url"; url: string } | { kind: "path"; path: string };

export function fileValue(value: unknown): FileValue {
  if (typeof value !== "string" || value.trim() === "") return { kind: "empty" };
  const hash = parseUploadRef(value.trim());
  if (hash) return { kind: "upload", hash };
  if (/^https?:\/\//i.test(value.trim())) return { kind: "url", url: value.trim() };
  return { kind: "path", path: value };
}

/** Where the picker shows a preview of an upload: its thumbnail, or the image itself. */
export function previewUrl(u: Pick<UploadView, "media">): string | null {
  if (u.media.thumbnail) return `/media/${u.media.thumbnail}`;
  return u.media.kind === "image" ? u.media.url : null;
}

/** "12.5 kB" */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB"];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Files dropped or picked, in order, limited to what one request may carry. */
export function pickFiles(list: FileList | File[] | null | undefined, multiple: boolean): File[] {
  const files = list ? Array.from(list) : [];
  return multiple ? files.slice(0, 20) : files.slice(0, 1);
}
