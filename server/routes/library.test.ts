import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { RunEventHub } from "../../engine/events.js";
import { nodeOutput } from "../../test/engine.js";
import type { PublicationOutput } from "../../nodes/publish-channel/definition.js";
import { startPublishTestbed, type PublishTestbed } from "../../test/publish.js";
import { createApp } from "../app.js";
import { libraryFeature } from "./library.js";
import path from "node:path";
import { readFile } from "node:fs/promises";

let tb: PublishTestbed;
let hub: RunEventHub;
let app: Hono;
let live: PublicationOutput;
let later: PublicationOutput;
const product = { id: "lamp-1", name: "Aurora Desk Lamp", description: "A lamp", price: 49.99, currency: "USD", category: "lighting", images: [], attributes: { url: "https://shop.example.com/aurora?utm=lib" } };

beforeAll(async () => {
  tb = await startPublishTestbed();
  hub = new RunEventHub(tb.engine.db.sql);
  app = createApp({ database: tb.engine.db, registry: tb.engine.registry, hub, mediaRoot: path.join(tb.engine.home, "media") }, [libraryFeature]);
  const publish = async (config: Record<string, unknown>) => {
    const run = await tb.engine.run(tb.publishGraph({ channels: ["library"], ...config }, { product }));
    expect(run.status).toBe("succeeded");
    return ((await nodeOutput(tb.engine, run.id, "publish"))!.publications as PublicationOutput[])[0];
  };
  live = await publish({ caption: "Meet <Aurora> & friends", hashtags: ["lamp", "home"], title: "Aurora in the studio" });
  later = await publish({ caption: "Not yet", schedule: new Date(Date.now() + 86_400_000).toISOString() });
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await tb?.stop();
});

const events = async (kind: string) =>
  (await tb.engine.db.sql`select count(*)::int as n from library_events where publication_id = ${live.id} and kind = ${kind}`)[0].n as number;

describe("library publisher and pages", () => {
  it("publishes offline to the library with its public URL", () => {
    expect(live).toMatchObject({ channel: "library", status: "published", url: `http://studio.test/library/items/${live.id}`, platformId: live.id });
    expect(later.status).toBe("published");
    expect(Date.parse(later.publishedAt!)).toBeGreaterThan(Date.now());
  });

  it("serves the page with the published video, escaped texts and feed links; future items stay hidden", async () => {
    const res = await app.request("/library");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(`<video src="http://studio.test/library/media/${live.id}"`);
    expect(html).toContain("Meet &lt;Aurora&gt; &amp; friends");
    expect(html).toContain("Aurora Desk Lamp · $49.99");
    expect(html).toContain("#lamp #home");
    expect(html).toContain('href="http://studio.test/library/feed.rss"');
    expect(html).not.toContain(later.id);
    expect((await app.request(`/library/items/${later.id}`)).status).toBe(404);
  });

  it("streams the video itself, with byte ranges for seeking", async () => {
    const file = await readFile(path.join(tb.engine.home, "media", live.mediaHash.slice(0, 2), live.mediaHash));
    const full = await app.request(`/library/media/${live.id}`);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await full.arrayBuffer()).equals(file)).toBe(true);
    const part = await app.request(`/library/media/${live.id}`, { headers: { range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-99/${file.length}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const poster = await app.request(`/library/media/${live.id}/poster`);
    expect(poster.headers.get("content-type")).toBe("image/jpeg");
    expect((await app.request(`/library/media/${later.id}`)).status).toBe(404);
  });

  it("serves a JSON Feed and an RSS feed with enclosures", async () => {
    const json = await app.request("/library/feed.json");
    expect(json.headers.get("content-type")).toMatch(/application\/feed\+json/);
    const feed = await json.json();
    expect(feed).toMatchObject({ version: "https://jsonfeed.org/version/1.1", feed_url: "http://studio.test/library/feed.json" });
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({
      id: live.id,
      url: `http://studio.test/library/items/${live.id}`,
      title: "Aurora in the studio",
      content_text: "Meet <Aurora> & friends\n\n#lamp #home",
      tags: ["lamp", "home"],
      attachments: [{ url: `http://studio.test/library/media/${live.id}`, mime_type: "video/mp4", size_in_bytes: expect.any(Number), duration_in_seconds: expect.closeTo(2, 0) }],
    });
    const rss = await (await app.request("/library/feed.rss")).text();
    expect(rss).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0"/);
    expect(rss).toContain(`<guid isPermaLink="false">${live.id}</guid>`);
    expect(rss).toContain(`<enclosure url="http://studio.test/library/media/${live.id}" length="${feed.items[0].attachments[0].size_in_bytes}" type="video/mp4"/>`);
    expect(rss).toContain("<title>Aurora in the studio</title>");
    expect(rss).toContain("Meet &lt;Aurora&gt; &amp; friends");
    expect(rss).not.toContain(later.id);
  });

  it("counts views (item page and play beacon) and clicks (then redirects to the product)", async () => {
    const page = await app.request(`/library/items/${live.id}`, { headers: { "user-agent": "test-browser", "x-forwarded-for": "203.0.113.7" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<meta property="og:video"');
    expect((await app.request(`/library/items/${live.id}/view`, { method: "POST", headers: { "user-agent": "other" } })).status).toBe(204);
    expect(await events("view")).toBe(2);
    const click = await app.request(`/library/items/${live.id}/click`, { headers: { referer: "https://social.example.com/post/1" } });
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe("https://shop.example.com/aurora?utm=lib");
    expect(await events("click")).toBe(1);
    const [row] = await tb.engine.db.sql`select visitor, referrer from library_events where publication_id = ${live.id} and kind = 'click'`;
    expect(row.referrer).toBe("https://social.example.com/post/1");
    expect(row.visitor).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(await tb.engine.db.sql`select * from library_events`)).not.toContain("203.0.113.7");
    expect((await app.request("/library/items/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await app.request("/library/items/not-an-id/click")).status).toBe(404);
  });
});
