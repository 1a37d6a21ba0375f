/**
 * The public content library, mounted at /library (no sign-in: it is what we publish):
 *   GET  /library                     page of published videos
 *   GET  /library/items/:id           one video's page (counts a view)
 *   POST /library/items/:id/view      play beacon from the list page (counts a view)
 *   GET  /library/items/:id/click     counts a click, then redirects to the product
 *   GET  /library/media/:id[/poster]  the published video (byte ranges) and its poster
 *   GET  /library/feed.json, /library/feed.rss
 * Media is served by publication id, not by hash, so only what was published is public.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { Hono } from "hono";
import { getLibraryItem, listLibraryItems, recordLibraryEvent, visitorId, type LibraryItem } from "../../services/library.js";
import { publicUrlSetting } from "../../services/public-url.js";
import type { ServerDeps } from "../deps.js";
import { z } from "zod";
import { notFound } from "../errors.js";
import { idParam, route } from "../route.js";
import { itemPage, jsonFeed, libraryPage, rssFeed, type LibraryLinks } from "../library/render.js";

/** The configured public URL (the same setting workers link with, services/public-url.ts), else the origin the visitor used. */
function linksFor(c: Context): LibraryLinks {
  return { base: (publicUrlSetting(process.env) ?? new URL(c.req.url).origin).replace(/\/+$/, "") };
}

function visitorOf(c: Context): string {
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  return visitorId(forwarded || socket || "unknown", c.req.header("user-agent") ?? "");
}

const ItemParams = z.object({ id: idParam("library item") });

export function libraryRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { sql } = deps.database;
  const item = async (id: string): Promise<LibraryItem> => {
    const found = await getLibraryItem(sql, id);
    if (!found) throw notFound("library item", id);
    return found;
  };
  const track = (c: Context, i: LibraryItem, kind: "view" | "click") =>
    recordLibraryEvent(sql, { publicationId: i.id, kind, visitor: visitorOf(c), referrer: c.req.header("referer") ?? null });

  route(app, { method: "GET", path: "/", summary: "Page of published videos" }, async (c) => c.html(libraryPage(await listLibraryItems(sql), linksFor(c))));
  route(app, { method: "GET", path: "/feed.json", summary: "JSON Feed of published videos" }, async (c) => c.json(jsonFeed(await listLibraryItems(sql), linksFor(c)), 200, { "content-type": "application/feed+json; charset=utf-8" }));
  route(app, { method: "GET", path: "/feed.rss", summary: "RSS of published videos" }, async (c) => c.body(rssFeed(await listLibraryItems(sql), linksFor(c)), 200, { "content-type": "application/rss+xml; charset=utf-8" }));

  route(app, { method: "GET", path: "/items/:id", summary: "One video's page (counts a view)", params: ItemParams }, async (c, { params }) => {
    const i = await item(params.id);
    await track(c, i, "view");
    return c.html(itemPage(i, linksFor(c)));
  });
  route(app, { method: "POST", path: "/items/:id/view", summary: "Play beacon (counts a view)", params: ItemParams }, async (c, { params }) => {
    await track(c, await item(params.id), "view");
    return c.body(null, 204);
  });
  route(app, { method: "GET", path: "/items/:id/click", summary: "Counts a click, then redirects to the product", params: ItemParams }, async (c, { params }) => {
    const i = await item(params.id);
    await track(c, i, "click");
    const target = i.product?.url && /^https?:\/\//.test(i.product.url) ? i.product.url : `${linksFor(c).base}/library/items/${i.id}`;
    return c.redirect(target, 302);
  });

  route(app, { method: "GET", path: "/media/:id", summary: "The published video (byte ranges)", params: ItemParams }, async (c, { params }) => {
    const i = await item(params.id);
    return serveFile(c, path.join(deps.mediaRoot, i.media.hash.slice(0, 2), i.media.hash), i.media.mime, i.media.hash);
  });
  route(app, { method: "GET", path: "/media/:id/poster", summary: "The published video's poster", params: ItemParams }, async (c, { params }) => {
    const i = await item(params.id);
    if (!i.media.thumbnail) throw notFound("poster of library item", i.id);
    return serveFile(c, path.join(deps.mediaRoot, i.media.thumbnail.slice(0, 2), i.media.thumbnail), "image/jpeg", i.media.thumbnail);
  });
  return app;
}

/** A stored blob with Range support (video players seek with it); immutable, so cached. */
async function serveFile(c: Context, file: string, mime: string, etag: string) {
  const info = await stat(file).catch(() => null);
  if (!info) throw notFound("media", etag);
  const size = info.size;
  const headers: Record<string, string> = { "content-type": mime, "accept-ranges": "bytes", "cache-control": "public, max-age=31536000, immutable", etag: `"${etag}"` };
  const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header("range")?.trim() ?? "");
  if (c.req.header("range")) {
    let start = range && range[1] !== "" ? Number(range[1]) : NaN;
    let end = range && range[2] !== "" ? Number(range[2]) : size - 1;
    if (range && range[1] === "" && range[2] !== "") {
      start = Math.max(0, size - Number(range[2]));
      end = size - 1;
    }
    if (!range || Number.isNaN(start) || start >= size || start > end) return c.body(null, 416, { ...headers, "content-range": `bytes */${size}` });
    end = Math.min(end, size - 1);
    const body = Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream;
    return c.body(body, 206, { ...headers, "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(end - start + 1) });
  }
  return c.body(Readable.toWeb(createReadStream(file)) as ReadableStream, 200, { ...headers, "content-length": String(size) });
}

/** Public: the library is what we publish. The rules only take effect once the auth guard is in. */
export const libraryFeature = (deps: ServerDeps) => ({
  prefix: "library",
  atRoot: true,
  app: libraryRoutes(deps),
  access: [{ method: "*" as const, path: "/*", access: "public" as const }, { method: "*" as const, path: "/", access: "public" as const }],
});
