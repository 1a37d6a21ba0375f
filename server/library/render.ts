/** The content library's public page, item pages and feeds (JSON Feed 1.1, RSS 2.0 with Media RSS). */
import type { LibraryItem } from "../../services/library.js";

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const escapeXml = escapeHtml;

export interface LibraryLinks {
  /** Absolute origin links are built from (GENJED_PUBLIC_URL or the request's). */
  base: string;
}

const mediaUrl = (l: LibraryLinks, i: LibraryItem) => `${l.base}/library/media/${i.id}`;
const posterUrl = (l: LibraryLinks, i: LibraryItem) => (i.media.thumbnail ? `${l.base}/library/media/${i.id}/poster` : undefined);
const itemUrl = (l: LibraryLinks, i: LibraryItem) => `${l.base}/library/items/${i.id}`;
const clickUrl = (l: LibraryLinks, i: LibraryItem) => `${l.base}/library/items/${i.id}/click`;
const price = (i: LibraryItem) =>
  i.product?.price !== undefined ? new Intl.NumberFormat("en-US", { style: "currency", currency: i.product.currency ?? "USD" }).format(i.product.price) : "";

const STYLE = `
  body{font-family:system-ui,sans-serif;margin:0;background:#f4f1ea;color:#1c1c1c}
  header{padding:24px 32px;background:#1f3a5f;color:#fff} header a{color:#fff}
  main{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:24px;padding:32px}
  article{background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 1px 4px #0002}
  article video{width:100%;display:block;background:#000;aspect-ratio:9/16;object-fit:contain}
  .body{padding:12px 16px} h2{font-size:1.05rem;margin:0 0 6px} p{margin:0 0 8px;white-space:pre-wrap}
  .tags{color:#555;font-size:.85rem} .shop{display:inline-block;margin-top:6px;padding:6px 12px;border-radius:6px;background:#f2a541;color:#1c1c1c;text-decoration:none;font-weight:600}
  .empty{padding:32px}`;

function card(l: LibraryItem, links: LibraryLinks, full = false): string {
  const poster = posterUrl(links, l);
  return `<article data-id="${l.id}">
  <video src="${mediaUrl(links, l)}" ${poster ? `poster="${poster}" ` : ""}controls playsinline preload="metadata" data-id="${l.id}"></video>
  <div class="body">
    <h2>${full ? escapeHtml(l.title) : `<a href="${itemUrl(links, l)}">${escapeHtml(l.title)}</a>`}</h2>
    ${l.caption ? `<p>${escapeHtml(l.caption)}</p>` : ""}
    ${l.hashtags.length ? `<div class="tags">${l.hashtags.map((h) => `#${escapeHtml(h)}`).join(" ")}</div>` : ""}
    ${l.product ? `<div>${escapeHtml(l.product.name)}${price(l) ? ` · ${escapeHtml(price(l))}` : ""}</div><a class="shop" href="${clickUrl(links, l)}">Shop now</a>` : ""}
    <div class="tags"><time datetime="${l.publishedAt}">${l.publishedAt.slice(0, 10)}</time></div>
  </div>
</article>`;
}

/** Plays are counted with a beacon, so a visitor watching from the list counts as a view too. */
const PLAY_BEACON = `<script>
document.addEventListener("play", function (e) {
  var id = e.target && e.target.dataset && e.target.dataset.id;
  if (id && !e.target.dataset.counted) { e.target.dataset.counted = "1"; navigator.sendBeacon("/library/items/" + id + "/view"); }
}, true);
</script>`;

export function libraryPage(items: LibraryItem[], links: LibraryLinks): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Content library</title>
<link rel="alternate" type="application/feed+json" title="JSON Feed" href="${links.base}/library/feed.json">
<link rel="alternate" type="application/rss+xml" title="RSS" href="${links.base}/library/feed.rss">
<style>${STYLE}</style></head>
<body><header><h1>Content library</h1><a href="${links.base}/library/feed.rss">RSS</a> · <a href="${links.base}/library/feed.json">JSON Feed</a></header>
<main>${items.length ? items.map((i) => card(i, links)).join("\n") : '<p class="empty">Nothing published yet.</p>'}</main>
${PLAY_BEACON}</body></html>`;
}

export function itemPage(item: LibraryItem, links: LibraryLinks): string {
  const poster = posterUrl(links, item);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(item.title)}</title>
<meta property="og:title" content="${escapeHtml(item.title)}">
<meta property="og:type" content="video.other">
<meta property="og:video" content="${mediaUrl(links, item)}">
${poster ? `<meta property="og:image" content="${poster}">` : ""}
<style>${STYLE} main{max-width:480px;margin:auto;display:block}</style></head>
<body><header><a href="${links.base}/library">← Content library</a></header>
<main>${card(item, links, true)}</main></body></html>`;
}

export function jsonFeed(items: LibraryItem[], links: LibraryLinks) {
  return {
    version: "https://jsonfeed.org/version/1.1",
    title: "Content library",
    home_page_url: `${links.base}/library`,
    feed_url: `${links.base}/library/feed.json`,
    items: items.map((i) => ({
      id: i.id,
      url: itemUrl(links, i),
      title: i.title,
      content_text: [i.caption, i.hashtags.map((h) => `#${h}`).join(" ")].filter(Boolean).join("\n\n"),
      date_published: i.publishedAt,
      tags: i.hashtags,
      ...(posterUrl(links, i) ? { image: posterUrl(links, i) } : {}),
      ...(i.product?.url ? { external_url: clickUrl(links, i) } : {}),
      attachments: [{ url: mediaUrl(links, i), mime_type: i.media.mime, size_in_bytes: i.media.size, ...(i.media.durationSec ? { duration_in_seconds: i.media.durationSec } : {}) }],
      _genjed: { product: i.product, width: i.media.width, height: i.media.height, hash: i.media.hash },
    })),
  };
}

export function rssFeed(items: LibraryItem[], links: LibraryLinks): string {
  const entries = items
    .map(
      (i) => `    <item>
      <title>${escapeXml(i.title)}</title>
      <link>${itemUrl(links, i)}</link>
      <guid isPermaLink="false">${i.id}</guid>
      <pubDate>${new Date(i.publishedAt).toUTCString()}</pubDate>
      <description>${escapeXml([i.caption, i.product ? `${i.product.name} ${price(i)}`.trim() : ""].filter(Boolean).join(" — "))}</description>
${i.hashtags.map((h) => `      <category>${escapeXml(h)}</category>`).join("\n")}
      <enclosure url="${mediaUrl(links, i)}" length="${i.media.size}" type="${escapeXml(i.media.mime)}"/>
      <media:content url="${mediaUrl(links, i)}" type="${escapeXml(i.media.mime)}" medium="video"${i.media.durationSec ? ` duration="${Math.round(i.media.durationSec)}"` : ""}${i.media.width ? ` width="${i.media.width}" height="${i.media.height}"` : ""}/>
${posterUrl(links, i) ? `      <media:thumbnail url="${posterUrl(links, i)}"/>\n` : ""}    </item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Content library</title>
    <link>${links.base}/library</link>
    <description>Published videos</description>
    <atom:link href="${links.base}/library/feed.rss" rel="self" type="application/rss+xml"/>
${items[0] ? `    <lastBuildDate>${new Date(items[0].publishedAt).toUTCString()}</lastBuildDate>\n` : ""}${entries}
  </channel>
</rss>
`;
}
