/**
 * Reading a product feed (JSON or CSV) for condition triggers: an http(s) URL through the outbound
 * guard, anything else through the file resolver (uploads of the trigger's workspace, files in
 * examples/). Relative image references are made absolute against the feed's URL, or rewritten to
 * examples/ paths for a feed inside examples/, so the run resolves them the same way.
 */
import { csvToRows } from "../../lib/assets/csv.js";
import { JsonTextError, parseJsonText, type FileResolver, type ResolvedFile } from "../../lib/files/index.js";
import { outboundRequest } from "../../lib/net/index.js";

export type FeedRow = Record<string, unknown>;

export class FeedError extends Error {}

const isHttpUrl = (s: string) => /^https?:\/\//i.test(s);

export async function loadFeed(feed: string, o: { files: FileResolver; timeoutMs?: number; signal?: AbortSignal }): Promise<FeedRow[]> {
  let text: string;
  let base: { url: string } | { file: ResolvedFile };
  let csv = /\.csv(\?|$)/i.test(feed);
  try {
    if (isHttpUrl(feed)) {
      const res = await outboundRequest(feed, { field: "feed", timeoutMs: o.timeoutMs ?? 15_000, maxBytes: 20 * 1024 * 1024, signal: o.signal });
      if (res.status >= 400) throw new FeedError(`feed: ${feed} is not reachable (HTTP ${res.status})`);
      text = res.body.toString("utf8");
      csv ||= /text\/csv/i.test(String(res.headers["content-type"] ?? ""));
      base = { url: res.url };
    } else {
      const file = await o.files.resolve(feed, "feed");
      text = (await file.read()).toString("utf8");
      // An upload has no file name: unless its type says JSON, text that does not open like JSON is CSV.
      const looksCsv = file.kind === "upload" && !/json/i.test(file.mime ?? "") && !/^\s*[[{]/.test(text);
      csv ||= looksCsv || /\.csv$/i.test(file.name) || /text\/csv/i.test(file.mime ?? "");
      base = { file };
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    // Resolver and guard messages already name the field and the reason.
    throw new FeedError((err as Error).message);
  }
  return parseFeed(text, csv, "feed").map((row) => withResolvedImages(row, base));
}

export function parseFeed(text: string, csv: boolean, label: string): FeedRow[] {
  if (csv) {
    try {
      return csvToRows(text);
    } catch (err) {
      throw new FeedError(`${label} is not valid CSV: ${(err as Error).message}`);
    }
  }
  let data: unknown;
  try {
    data = parseJsonText(text);
  } catch (err) {
    // Says where, never what: the feed's text is not echoed into last_error.
    throw new FeedError(`${label} is ${err instanceof JsonTextError ? err.message : "not valid JSON"}`);
  }
  const list = Array.isArray(data) ? data : (data as { products?: unknown } | null)?.products;
  if (!Array.isArray(list)) throw new FeedError(`${label} must hold a list of products or an object with a "products" list`);
  return list.map((r, i) => {
    if (!r || typeof r !== "object" || Array.isArray(r)) throw new FeedError(`${label} products[${i}]: expected an object, got ${r === null ? "null" : Array.isArray(r) ? "a list" : typeof r}`);
    return r as FeedRow;
  });
}

/** `image`/`images` ("a.png|b.png" or a list), relative ones resolved against the feed's URL or examples/ folder. */
function withResolvedImages(row: FeedRow, base: { url: string } | { file: ResolvedFile }): FeedRow {
  const raw = row.images ?? (typeof row.image === "string" ? [row.image] : undefined);
  const list = typeof raw === "string" ? raw.split("|").map((s) => s.trim()).filter(Boolean) : raw;
  if (!Array.isArray(list)) return row;
  const { image: _drop, ...rest } = row;
  const resolve = (src: unknown) => {
    if (typeof src !== "string" || isHttpUrl(src) || /^[a-z][a-z0-9+.-]*:/i.test(src)) return src;
    if ("url" in base) return new URL(src, base.url).href;
    // Inside examples/: make it an examples/ path. Anything else is passed on for the run's resolver to judge.
    if (base.file.kind === "example" && base.file.dir && !src.startsWith("examples/") && !src.startsWith("/")) return `${base.file.dir}/${src.replace(/^\.\//, "")}`;
    return src;
  };
  return { ...rest, images: list.map(resolve) };
}
