import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPublication } from "../../services/publications.js";
import { startTestEngine } from "../engine.js";
import { probeMedia } from "../../lib/media/probe.js";
import { parseInputs } from "../../nodes/inputs.js";
import { publishChannel, type PublicationOutput } from "../../nodes/publish-channel/definition.js";
import type { PublicationLedger } from "../../nodes/shared/publishers/ledger.js";
import { startPublishTestbed, type PublishTestbed } from "../publish.js";
import path from "node:path";
import { nodeOutput } from "../engine.js";

let tb: PublishTestbed;
beforeAll(async () => {
  tb = await startPublishTestbed();
}, 120_000);
afterAll(() => tb?.stop());

const product = { id: "lamp-1", name: "Aurora Desk Lamp", description: "A lamp", price: 49.99, currency: "USD", category: "lighting", images: [], attributes: { url: "https://shop.example.com/aurora" } };

async function publish(config: Record<string, unknown>, o: Parameters<PublishTestbed["publishGraph"]>[1] = {}) {
  const run = await tb.engine.run(tb.publishGraph(config, o), { timeoutMs: 60_000 });
  const out = (await nodeOutput(tb.engine, run.id, "publish"))?.publications as PublicationOutput[] | undefined;
  return { run, out: out ?? [], node: run.nodes.find((n) => n.nodeId === "publish")! };
}

const count = (reqs: { method: string; path: string }[], method: string, re: RegExp) => reqs.filter((r) => r.method === method && re.test(r.path)).length;

describe("publish.channel", () => {
  it("publishes to every channel through its real flow, prepared to spec, and reports URL and id per channel", async () => {
    const { run, out } = await publish(
      { channels: ["instagram_reels", "youtube_shorts", "tiktok", "webhook", "library"], caption: "Meet Aurora", hashtags: ["lamp", "#home"], webhook: { url: tb.webhook.url } },
      { video: tb.videos.wide, product },
    );
    expect(run.status).toBe("succeeded");
    expect(out.map((p) => [p.channel, p.status])).toEqual([
      ["instagram_reels", "published"],
      ["youtube_shorts", "published"],
      ["tiktok", "published"],
      ["webhook", "published"],
      ["library", "published"],
    ]);
    const byChannel = Object.fromEntries(out.map((p) => [p.channel, p]));
    const ig = tb.instagram.media[0];
    expect(byChannel.instagram_reels).toMatchObject({ platformId: ig.id, url: ig.permalink });
    expect(ig.caption).toBe("Meet Aurora\n\n#lamp #home");
    expect(byChannel.youtube_shorts).toMatchObject({ platformId: tb.youtube.videos[0].id, url: `https://youtube.com/shorts/${tb.youtube.videos[0].id}` });
    expect(tb.youtube.videos[0]).toMatchObject({ title: "Meet Aurora", tags: ["lamp", "home"], privacyStatus: "public" });
    expect(byChannel.tiktok.url).toBe(`https://www.tiktok.com/@${tb.tiktok.username}/video/${tb.tiktok.posts[0].postId}`);
    expect(tb.tiktok.posts[0]).toMatchObject({ title: "Meet Aurora #lamp #home", privacy: "PUBLIC_TO_EVERYONE" });
    expect(byChannel.webhook).toMatchObject({ platformId: tb.webhook.deliveries[0].id, url: expect.stringContaining("cms.example.com") });
    expect(byChannel.library.url).toBe(`http://studio.test/library/items/${byChannel.library.id}`);

    // The platforms' flows, call by call.
    const ir = tb.instagram.requests;
    const shape = (p: string) => p.split("/").map((seg) => (/^(|graph|v21\.0|rupload|ig-api-upload|media|media_publish)$/.test(seg) ? seg : "ID")).join("/");
    expect(ir.map((r) => `${r.method} ${shape(r.path)}`)).toEqual([
      "POST /graph/v21.0/ID/media",
      "POST /rupload/ig-api-upload/v21.0/ID",
      "GET /graph/v21.0/ID",
      "GET /graph/v21.0/ID",
      "POST /graph/v21.0/ID/media_publish",
      "GET /graph/v21.0/ID",
    ]);
    expect(count(tb.youtube.requests, "POST", /videos$/)).toBe(1);
    expect(count(tb.youtube.requests, "PUT", /videos$/)).toBe(1);
    expect(tb.tiktok.requests.map((r) => r.path)).toEqual([
      "/v2/post/publish/creator_info/query/",
      "/v2/post/publish/video/init/",
      "/upload/",
      "/v2/post/publish/status/fetch/",
      "/v2/post/publish/status/fetch/",
    ]);
    // Webhook: signed (the receiver verified it), the file and the metadata.
    expect(tb.webhook.deliveries[0]).toMatchObject({
      metadata: { event: "publication.created", caption: "Meet Aurora", product: { id: "lamp-1" }, asset: { hash: tb.videos.wide.hash } },
      asset: { type: "video/mp4", bytes: tb.videos.wide.size },
    });

    // 16:9 prepared to 9:16 for the vertical platforms; the webhook and library get the original.
    for (const ch of ["instagram_reels", "youtube_shorts", "tiktok"]) {
      expect(byChannel[ch].format).toMatchObject({ width: 720, height: 1280 });
      expect(byChannel[ch].mediaHash).not.toBe(tb.videos.wide.hash);
    }
    const record = await getPublication(tb.engine.db.sql, byChannel.tiktok.id);
    const probe = await probeMedia(path.join(tb.engine.home, "media", record!.request.media.hash.slice(0, 2), record!.request.media.hash));
    expect(probe).toMatchObject({ width: 720, height: 1280, videoCodec: "h264" });
    expect(tb.tiktok.posts[0].size).toBe(record!.request.media.size);
    expect(byChannel.library.mediaHash).toBe(tb.videos.wide.hash);
    const logs = await tb.engine.db.sql`select message from node_logs where run_id = ${run.id} and node_id = 'publish'`;
    expect(logs.map((l) => l.message).join("\n")).toMatch(/instagram_reels: prepared to spec: 16:9 1280x720 fitted to 9:16 720x1280/);
    // Each publication is in the audit log of the run's workspace, by the system.
    const audit = await tb.engine.db.sql`select actor, action, target, workspace_id from audit_log where action = 'publication.publish'`;
    expect(audit.filter((a) => a.target === byChannel.tiktok.id)).toEqual([expect.objectContaining({ actor: "system", workspace_id: expect.any(String) })]);
  });

  it("never puts a credential in logs, outputs, errors or the ledger", async () => {
    const { run } = await publish({ channels: ["instagram_reels", "tiktok", "youtube_shorts", "webhook"], webhook: { url: tb.webhook.url } });
    expect(run.status).toBe("succeeded");
    const everything = JSON.stringify([
      await tb.engine.db.sql`select * from node_logs`,
      await tb.engine.db.sql`select output, error, inputs from node_runs`,
      await tb.engine.db.sql`select * from publications`,
      await tb.engine.db.sql`select output from run_nodes`,
    ]);
    for (const s of tb.secrets) expect(everything).not.toContain(s);
    expect(everything).toContain("instagram.com/reel");
  });

  it("surfaces each platform's own error per channel, and fails the node when every channel refuses", async () => {
    tb.youtube.fail(/^POST \/upload\/youtube\/v3\/videos$/, {
      status: 403,
      body: { error: { code: 403, message: "The request cannot be completed because you have exceeded your quota.", errors: [{ message: "quota", domain: "youtube.quota", reason: "quotaExceeded" }], status: "PERMISSION_DENIED" } },
    });
    tb.tiktok.fail(/^POST \/v2\/post\/publish\/video\/init\/$/, {
      status: 403,
      body: { data: {}, error: { code: "spam_risk_too_many_posts", message: "The daily post cap for this user has been reached.", log_id: "x1" } },
    });
    process.env.INSTAGRAM_ACCESS_TOKEN = "not-the-token";
    try {
      const { run, out } = await publish({ channels: ["instagram_reels", "youtube_shorts", "tiktok", "library"] });
      expect(run.status).toBe("succeeded");
      const byChannel = Object.fromEntries(out.map((p) => [p.channel, p]));
      expect(byChannel.instagram_reels).toMatchObject({ status: "failed", error: { code: "IG_190", message: "(#190) Invalid OAuth access token - Cannot parse access token", retryable: false } });
      expect(byChannel.youtube_shorts).toMatchObject({ status: "failed", error: { code: "YT_quotaExceeded", status: 403, retryable: false } });
      expect(byChannel.tiktok).toMatchObject({ status: "failed", error: { code: "TIKTOK_spam_risk_too_many_posts", message: "spam_risk_too_many_posts: The daily post cap for this user has been reached." } });
      expect(byChannel.library.status).toBe("published");

      const all = await publish({ channels: ["instagram_reels"] });
      expect(all.run.status).toBe("failed");
      expect(all.node.error).toMatchObject({ code: "PUBLISH_FAILED", message: expect.stringContaining("instagram_reels: (#190) Invalid OAuth access token") });
      expect(all.node.attempts).toBe(1);
    } finally {
      process.env.INSTAGRAM_ACCESS_TOKEN = tb.instagram.token;
    }
    const missing = await publish({ channels: ["webhook", "library"], webhook: { url: tb.webhook.url, secretName: "NO_SUCH_SECRET" } });
    expect(missing.out[0]).toMatchObject({ status: "failed", error: { code: "MISSING_SECRET", message: "webhook needs the secret NO_SUCH_SECRET (add it to the workspace secrets or the environment)" } });
  });

  it("refuses a webhook target on loopback unless GENJED_OUTBOUND_ALLOW lists it, without sending anything", async () => {
    const allow = process.env.GENJED_OUTBOUND_ALLOW;
    const before = tb.webhook.attempts;
    delete process.env.GENJED_OUTBOUND_ALLOW;
    try {
      const { out } = await publish({ channels: ["webhook", "library"], webhook: { url: tb.webhook.url } });
      expect(out[0]).toMatchObject({
        status: "failed",
        error: { code: "OUTBOUND_NOT_ALLOWED", retryable: false, message: expect.stringMatching(/^webhook\.url: refusing http:\/\/127\.0\.0\.1:\d+\/.*: 127\.0\.0\.1 is a loopback address \(allow it with GENJED_OUTBOUND_ALLOW\)$/) },
      });
      expect(tb.webhook.attempts).toBe(before);
    } finally {
      process.env.GENJED_OUTBOUND_ALLOW = allow;
    }
  });

  it("waits out rate limits (Graph code 4, TikTok 429 Retry-After, YouTube 429) and then publishes", async () => {
    tb.instagram.rateLimit(2);
    tb.tiktok.rateLimit(1, 1);
    tb.youtube.fail(/^POST \/upload\/youtube\/v3\/videos$/, {
      status: 429,
      headers: { "retry-after": "0" },
      body: { error: { code: 429, message: "Too many requests", errors: [{ reason: "rateLimitExceeded", domain: "youtube.quota", message: "x" }], status: "RESOURCE_EXHAUSTED" } },
    });
    const before = { ig: tb.instagram.media.length, yt: tb.youtube.videos.length, tt: tb.tiktok.posts.length };
    const { run, out } = await publish({ channels: ["instagram_reels", "tiktok", "youtube_shorts"] });
    expect(run.status).toBe("succeeded");
    expect(out.every((p) => p.status === "published")).toBe(true);
    expect([tb.instagram.media.length - before.ig, tb.youtube.videos.length - before.yt, tb.tiktok.posts.length - before.tt]).toEqual([1, 1, 1]);
    const logs = (await tb.engine.db.sql`select message from node_logs where run_id = ${run.id}`).map((l) => l.message).join("\n");
    expect(logs).toMatch(/instagram_reels: rate limited \(\(#4\) Application request limit reached\)/);
    expect(logs).toMatch(/tiktok: rate limited \(rate_limit_exceeded: API rate limit exceeded, please retry later\.\); waiting 1000 ms/);
    expect(logs).toMatch(/youtube_shorts: rate limited/);
  });

  it("a retry after a crash between the platform's answer and our write posts nothing twice", async () => {
    // A worker whose ledger "crashes" once right after each platform created the post, before the
    // result is stored: the node fails that attempt and the engine runs it again.
    const crashed = new Set<string>();
    const channels = new Map<string, string>();
    // Right after: Instagram published the reel, YouTube completed the upload, TikTok received the bytes.
    const crashPoints = ["instagram_reels:mediaId", "youtube_shorts:videoId", "tiktok:uploaded"];
    const crashOnce = (ledger: PublicationLedger): PublicationLedger => ({
      ...ledger,
      async begin(key, intent) {
        const r = await ledger.begin(key, intent);
        channels.set(r.id, r.channel);
        return r;
      },
      async checkpoint(id, state) {
        const point = `${channels.get(id)}:${Object.keys(state).find((k) => state[k] === true || (typeof state[k] === "string" && k !== "username"))}`;
        if (crashPoints.includes(point) && !crashed.has(point)) {
          crashed.add(point);
          throw new Error(`simulated crash after the platform answered (${point})`);
        }
        return ledger.checkpoint(id, state);
      },
      async complete(id, result) {
        if (channels.get(id) === "webhook" && !crashed.has("webhook")) {
          crashed.add("webhook");
          throw new Error("simulated crash after the webhook answered");
        }
        return ledger.complete(id, result);
      },
    });
    // A second engine over the same fakes, its worker using the crashing ledger.
    const engine = await startTestEngine(tb.engine.registry, { workers: 0 });
    try {
      const { createMediaStorage } = await import("../../services/storage.js");
      const { controlProviders } = await import("../../services/control-providers.js");
      const control = controlProviders(engine.db.sql, { publicUrl: "http://studio.test" });
      const storage = createMediaStorage({ root: path.join(engine.home, "media"), sql: engine.db.sql });
      const video = await storage.put({ path: path.join(tb.engine.home, "media", tb.videos.vertical.hash.slice(0, 2), tb.videos.vertical.hash) }, { mime: "video/mp4" });
      await engine.startWorker({ providers: { ...tb.providers, ...control, publications: (ctx) => crashOnce(control.publications!(ctx)) } });
      const before = { ig: tb.instagram.media.length, yt: tb.youtube.videos.length, tt: tb.tiktok.posts.length, wh: tb.webhook.deliveries.length, whAttempts: tb.webhook.attempts };
      const run = await engine.run(tb.publishGraph({ channels: ["instagram_reels", "youtube_shorts", "tiktok", "webhook"], webhook: { url: tb.webhook.url } }, { video, retry: { maxAttempts: 6, backoffMs: 20 } }), {
        timeoutMs: 60_000,
      });
      expect(run.status, JSON.stringify(run.nodes.map((n) => n.error))).toBe("succeeded");
      expect(crashed).toEqual(new Set([...crashPoints, "webhook"]));
      const node = run.nodes.find((n) => n.nodeId === "publish")!;
      expect(node.attempts).toBeGreaterThan(1);
      // One post per platform, though the node ran several times.
      expect(tb.instagram.media.length - before.ig).toBe(1);
      expect(tb.youtube.videos.length - before.yt).toBe(1);
      expect(tb.tiktok.posts.length - before.tt).toBe(1);
      expect(tb.webhook.deliveries.length - before.wh).toBe(1);
      expect(tb.webhook.attempts - before.whAttempts).toBe(2);
      const out = (await engine.db.sql`select output from run_nodes where run_id = ${run.id} and node_id = 'publish'`)[0].output.publications as PublicationOutput[];
      expect(out.map((p) => p.status)).toEqual(["published", "published", "published", "published"]);
      expect(out[0].platformId).toBe(tb.instagram.media[0].id);
      const logs = (await engine.db.sql`select message from node_logs where run_id = ${run.id}`).map((l) => l.message).join("\n");
      expect(logs).toMatch(/instagram: the container was already published by an earlier attempt/);
      expect(logs).toMatch(/youtube: the earlier upload had completed/);
      expect(logs, logs).toMatch(/tiktok: resuming post/);
    } finally {
      await engine.stop();
    }
  });

  it("resumes a dropped YouTube upload from the byte YouTube has", async () => {
    tb.youtube.truncateNextUpload(4096);
    const before = tb.youtube.videos.length;
    const { run, out } = await publish({ channels: ["youtube_shorts"] });
    expect(run.status).toBe("succeeded");
    expect(tb.youtube.videos.length - before).toBe(1);
    const record = await getPublication(tb.engine.db.sql, out[0].id);
    expect(tb.youtube.videos.at(-1)!.bytes).toBe(record!.request.media.size);
    const logs = (await tb.engine.db.sql`select message from node_logs where run_id = ${run.id}`).map((l) => l.message).join("\n");
    expect(logs).toMatch(/youtube: resuming the upload at byte 4096 of/);
  });

  it("schedules: YouTube natively (private + publishAt), Instagram through the scheduler", async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const { out } = await publish({ channels: ["youtube_shorts", "instagram_reels", "library"], schedule: at });
    const byChannel = Object.fromEntries(out.map((p) => [p.channel, p]));
    expect(byChannel.youtube_shorts).toMatchObject({ status: "published", publishedAt: at });
    expect(tb.youtube.videos.at(-1)).toMatchObject({ privacyStatus: "private", publishAt: at });
    expect(byChannel.instagram_reels).toMatchObject({ status: "scheduled", scheduledAt: at, url: null });
    expect(byChannel.library).toMatchObject({ status: "published", publishedAt: at });
    expect(publishChannelConfigError({ schedule: "next tuesday" })).toMatch(/schedule is "now" or an ISO time/);
    expect(publishChannelConfigError({ channels: ["webhook"] })).toMatch(/webhook.url is required/);
  });

  it("checks its schedule and hashtags inputs on the ports, before it runs", () => {
    const video = { hash: "b".repeat(64), mime: "video/mp4", size: 1, url: "/media/b", kind: "video" };
    const issues = (raw: Record<string, unknown>) => {
      const r = parseInputs(publishChannel.inputs, { video, ...raw });
      return r.ok ? r.inputs : r.issues.map((i) => i.message);
    };
    expect(issues({ schedule: "next tuesday" })).toEqual(['schedule: expected "now" or an ISO time like 2025-06-01T09:00:00Z']);
    expect(issues({ hashtags: 7 })).toEqual(["hashtags: expected a list of strings or a string"]);
    expect(issues({ schedule: " now ", hashtags: "#lamp, home" })).toMatchObject({ schedule: "now", hashtags: ["#lamp", "home"] });
  });
});

describe("publish scheduler service", () => {
  it("publishes Instagram and TikTok posts when their time comes, once, even with two schedulers", async () => {
    const at = new Date(Date.now() + 1500).toISOString();
    const before = { ig: tb.instagram.media.length, tt: tb.tiktok.posts.length };
    const { out } = await publish({ channels: ["instagram_reels", "tiktok"], caption: "Later", schedule: at });
    expect(out.map((p) => p.status)).toEqual(["scheduled", "scheduled"]);
    expect(tb.instagram.media.length - before.ig).toBe(0);

    const { publishSchedulerLoop } = await import("../../server/background/publish-scheduler.js");
    const { RunEventHub } = await import("../../engine/events.js");
    const hub = new RunEventHub(tb.engine.db.sql);
    const deps = { database: tb.engine.db, registry: tb.engine.registry, hub, mediaRoot: path.join(tb.engine.home, "media") };
    const services = await Promise.all([1, 2].map(() => publishSchedulerLoop({ intervalMs: 100, pollMs: 20, log: () => {} })(deps)));
    try {
      for (let i = 0; ; i++) {
        const rows = await tb.engine.db.sql`select status from publications where id in ${tb.engine.db.sql(out.map((p) => p.id))}`;
        if (rows.every((r) => r.status === "published")) break;
        if (i > 300) throw new Error(`still ${rows.map((r) => r.status).join(", ")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await Promise.all(services.map((s) => s.stop()));
    }
    expect(tb.instagram.media.length - before.ig).toBe(1);
    expect(tb.tiktok.posts.length - before.tt).toBe(1);
    const ig = await getPublication(tb.engine.db.sql, out[0].id);
    expect(ig).toMatchObject({ status: "published", platformId: tb.instagram.media[0].id });
    expect(Date.parse(ig!.publishedAt!)).toBeGreaterThanOrEqual(Date.parse(at));
  });
});

function publishChannelConfigError(config: unknown): string {
  const r = tb.engine.registry.get("publish.channel")!.config.safeParse(config);
  return r.success ? "" : r.error.issues.map((i) => i.message).join("; ");
}
