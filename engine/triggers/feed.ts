/**
 * Reading a product feed (JSON or CSV, from an http(s) URL or a file) for condition triggers, with
 * the same spellings asset.source accepts, and image paths made absolute so the run finds them.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { csvToRows } from "../../nodes/assets/csv.js";
import { fetchImage } from "../../nodes/assets/fetch-image.js";
import { isHttpUrl, resolveLocalPath } from "../../nodes/assets/load-image.js";

export type FeedRow = Record<string, unknown>;

export class FeedError extends Error {}

export async function loadFeed(feed: string, o: { allowHosts: string[]; timeoutMs?: number }): Promise<FeedRow[]> {
  let text: string;
  let base: string;
  let csv = /\.csv(\?|$)/i.test(feed);
  if (isHttpUrl(feed)) {
    try {
      const res = await fetchImage(feed, { allowHosts: o.allowHosts, timeoutMs: o.timeoutMs ?? 15_000, maxBytes: 20 * 1024 * 1024 });
      text = res.data.toString("utf8");
      csv ||= /text\/csv/i.test(res.contentType ?? "");
    } catch (err) {
      throw new FeedError(`feed ${feed} could not be fetched: ${(err as Error).message}`);
    }
    base = feed;
  } else {
    const file = await resolveLocalPath(feed, process.cwd());
    if (!file) throw new FeedError(`feed file not found: ${feed}`);
    text = await readFile(file, "utf8");
    base = path.dirname(file);
  }
  return parseFeed(text, csv, feed).map((row) => withAbsoluteImages(row, base));
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
    data = JSON.parse(text);
  } catch (err) {
    throw new FeedError(`${label} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { products?: unknown } | null)?.products;
  if (!Array.isArray(list)) throw new FeedError(`${label} must hold a list of products or an object with a "products" list`);
  return list.map((r, i) => {
    if (!r || typeof r !== "object" || Array.isArray(r)) throw new FeedError(`${label} products[${i}]: expected an object, got ${JSON.stringify(r)}`);
    return r as FeedRow;
  });
}

/** `image`/`images` ("a.png|b.png" or a list), relative ones resolved against the feed's folder or URL. */
function withAbsoluteImages(row: FeedRow, base: string): FeedRow {
  const raw = row.images ?? (typeof row.image === "string" ? [row.image] : undefined);
  const list = typeof raw === "string" ? raw.split("|").map((s) => s.trim()).filter(Boolean) : raw;
  if (!Array.isArray(list)) return row;
  const { image: _drop, ...rest } = row;
  const resolve = (src: unknown) => {
    if (typeof src !== "string" || isHttpUrl(src) || path.isAbsolute(src)) return src;
    return isHttpUrl(base) ? new URL(src, base).href : path.resolve(base, src);
  };
  return { ...rest, images: list.map(resolve) };
}
