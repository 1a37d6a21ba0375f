/**
 * publish.channel: an approved video (+ caption, hashtags, schedule) -> one publication per channel.
 * Each platform adapter follows the platform's real API flow; the video is first prepared to the
 * channel's spec. The publication ledger (ctx.provider("publications")) makes it at-most-once per
 * run/node/item/channel across retries and crashes: see nodes/shared/publishers/ledger.ts.
 */
import { z } from "zod";
import { PlatformError } from "../shared/publishers/http.js";
import { PUBLISH_CHANNELS, type PublicationRecord, type PublishChannel, type PublishRequest } from "../shared/publishers/ledger.js";
import { prepareForChannel } from "./prepare.js";
import { publishRecord } from "../shared/publishers/publish-record.js";
import { defineNode, PermanentNodeError } from "../contract.js";

export const PublishChannelConfigSchema = z
  .object({
    channels: z
      .array(z.enum(PUBLISH_CHANNELS))
      .min(1)
      .default(["library"])
      .refine((c) => new Set(c).size === c.length, { message: "a channel is listed twice" })
      .describe("Where to publish: instagram_reels, youtube_shorts, tiktok, library (our content library, offline), webhook"),
    caption: z.string().max(2200).default("").describe("Caption (the caption input overrides it)"),
    hashtags: z.array(z.string().regex(/^#?[\p{L}\p{N}_]+$/u, { error: "a hashtag is letters, digits and _ (with or without #)" })).default([]).describe("Hashtags added to every channel"),
    title: z.string().max(100).default("").describe("Title (YouTube, library); default: the caption's first line, else the product name"),
    schedule: z
      .string()
      .default("now")
      .refine((s) => s === "now" || s === "" || !Number.isNaN(Date.parse(s)), { error: 'schedule is "now" or an ISO time like 2025-06-01T09:00:00Z' })
      .describe('"now" or an ISO time (the schedule input overrides it)'),
    prepare: z.boolean().default(true).describe("Transcode/trim the video to each channel's spec first"),
    instagram: z
      .object({
        userId: z.string().optional().describe("Instagram professional account id; default: the INSTAGRAM_USER_ID secret"),
        shareToFeed: z.boolean().default(true),
      })
      .default({ shareToFeed: true }),
    youtube: z
      .object({
        privacy: z.enum(["public", "unlisted", "private"]).default("public"),
        categoryId: z.string().default("22").describe("YouTube category id (22: People & Blogs, 26: Howto & Style)"),
        madeForKids: z.boolean().default(false),
      })
      .default({ privacy: "public", categoryId: "22", madeForKids: false }),
    tiktok: z
      .object({
        privacy: z.enum(["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]).default("PUBLIC_TO_EVERYONE"),
        disableComment: z.boolean().default(false),
        disableDuet: z.boolean().default(false),
        disableStitch: z.boolean().default(false),
      })
      .default({ privacy: "PUBLIC_TO_EVERYONE", disableComment: false, disableDuet: false, disableStitch: false }),
    webhook: z
      .object({
        url: z.url().optional().describe("Where to POST the asset and its metadata"),
        secretName: z.string().default("WEBHOOK_SECRET").describe("Secret holding the HMAC signing key"),
        includeFile: z.boolean().default(true).describe("Send the file itself (multipart), not just its URL"),
      })
      .default({ secretName: "WEBHOOK_SECRET", includeFile: true }),
    pollIntervalSec: z.number().min(0.01).max(60).default(3).describe("How often to ask a platform whether the upload is processed"),
    timeoutSec: z.number().min(1).max(3600).default(600).describe("How long a platform may take to process an upload"),
  })
  .refine((c) => !c.channels.includes("webhook") || c.webhook.url, { message: "webhook.url is required when publishing to the webhook channel", path: ["webhook", "url"] });
export type PublishChannelConfig = z.output<typeof PublishChannelConfigSchema>;

export interface PublicationOutput {
  id: string;
  channel: PublishChannel;
  status: PublicationRecord["status"];
  url: string | null;
  platformId: string | null;
  error: PublicationRecord["error"];
  scheduledAt: string | null;
  publishedAt: string | null;
  mediaHash: string;
  productId: string | null;
  format: PublishRequest["format"];
}

/** The hashtags input: a list of hashtags, or one string of them ("#lamp #home", "lamp, home"). */
const HashtagsInputSchema = z.union([z.string().transform((v) => v.split(/[\s,]+/).filter(Boolean)), z.array(z.string())], {
  error: "expected a list of strings or a string",
});

/** The schedule input: "now", an ISO time, or empty (the config's schedule). */
const ScheduleInputSchema = z
  .string()
  .trim()
  .refine((s) => s === "now" || s === "" || !Number.isNaN(Date.parse(s)), { error: 'expected "now" or an ISO time like 2025-06-01T09:00:00Z' });

export const publishChannel = defineNode({
  type: "publish.channel",
  version: 1,
  title: "Publish",
  category: "Distribution",
  description: "Publishes a video to Instagram Reels, YouTube Shorts, TikTok, the content library or a webhook; never twice for the same item.",
  inputs: [
    { name: "video", type: "video" },
    { name: "caption", type: "text", required: false },
    { name: "hashtags", type: "json", required: false, schema: HashtagsInputSchema, description: 'A list of hashtags, or a string like "#lamp #home"' },
    { name: "product", type: "product", required: false, description: "Named in the library and the webhook metadata; its url attribute is the library's link" },
    { name: "schedule", type: "text", required: false, schema: ScheduleInputSchema, description: '"now" or an ISO time' },
  ],
  outputs: [{ name: "publications", type: "publication", list: true, description: "One per channel: status, URL and id, or the platform's error" }],
  config: PublishChannelConfigSchema,
  // Publishing is a side effect: a cached "published" would be a lie.
  cacheable: false,
  // The platform adapters (nodes/publishers/*) read each platform's tokens; the webhook's signing key
  // is whichever secret the config names, so the declaration is a function of the config. Every
  // platform's names are listed whatever the channels, so the catalogue shows them all.
  secrets: (c) => ["INSTAGRAM_ACCESS_TOKEN", "INSTAGRAM_USER_ID", "YOUTUBE_ACCESS_TOKEN", "TIKTOK_ACCESS_TOKEN", c.webhook.secretName],
  // Uploads, then waits up to timeoutSec (max 1 h) per channel for the platform to process it.
  timeoutMs: 2 * 60 * 60_000,
  estimate: (c) => ({ usd: 0, seconds: 5 * c.channels.length }),
  async run(inputs, config, ctx) {
    const { video, product } = inputs;
    const caption = inputs.caption?.trim() || config.caption;
    const hashtags = [...new Set([...config.hashtags, ...(inputs.hashtags ?? [])].map((h) => h.replace(/^#/, "")))];
    const scheduleAt = scheduleOf(inputs.schedule, config.schedule);
    const title = config.title || caption.split("\n")[0].slice(0, 100) || product?.name || "New video";
    const ledger = ctx.provider("publications");
    // Asset URLs use the public URL the server and workers share, not this process's environment.
    const endpoints = { ...ctx.provider("platforms"), publicUrl: await ledger.publicUrl() };
    const settings: Record<PublishChannel, Record<string, unknown>> = {
      instagram_reels: config.instagram,
      youtube_shorts: config.youtube,
      tiktok: config.tiktok,
      webhook: config.webhook,
      library: {},
    };

    const results: PublicationOutput[] = [];
    const transient: PlatformError[] = [];
    for (const [i, channel] of config.channels.entries()) {
      const key = `${ctx.idempotencyKey}:${channel}`;
      let record = await ledger.find(key);
      if (record?.status === "published" || record?.status === "scheduled" || record?.status === "publishing") {
        ctx.log(
          record.status === "publishing"
            ? `${channel}: the scheduler is publishing this post right now; not publishing it again`
            : `${channel}: already ${record.status} by an earlier attempt (${record.url ?? record.scheduledAt}); not publishing again`,
        );
      } else {
        if (!record) {
          const prepared = config.prepare ? await prepareForChannel(video, channel, ctx) : { media: video, changes: [] };
          if (prepared.changes.length) ctx.log(`${channel}: prepared to spec: ${prepared.changes.join("; ")}`);
          const m = prepared.media.meta;
          const request: PublishRequest = {
            channel,
            media: prepared.media,
            caption,
            hashtags,
            title,
            product: product ? { id: product.id, name: product.name, price: product.price, currency: product.currency, url: typeof product.attributes.url === "string" ? product.attributes.url : undefined } : undefined,
            settings: settings[channel],
            scheduleAt,
            format: { aspectRatio: typeof m.aspectRatio === "string" ? m.aspectRatio : undefined, width: m.width, height: m.height, durationSec: m.durationSec },
          };
          record = await ledger.begin(key, { channel, runId: ctx.runId, nodeId: ctx.nodeId, item: ctx.item, request });
        } else {
          record = await ledger.begin(key, { channel, runId: ctx.runId, nodeId: ctx.nodeId, item: ctx.item, request: record.request });
        }
        try {
          record = await publishRecord(record, {
            ledger,
            secrets: ctx.secrets,
            endpoints,
            mediaPath: (hash) => ctx.storage.path(hash),
            log: (m) => ctx.log(m),
            signal: ctx.signal,
            pollMs: config.pollIntervalSec * 1000,
            timeoutMs: config.timeoutSec * 1000,
          });
          ctx.log(
            record.status === "published"
              ? `${channel}: published ${record.url ?? ""} (id ${record.platformId})`
              : record.status === "scheduled"
                ? `${channel}: scheduled for ${record.scheduledAt}`
                : `${channel}: failed: ${record.error?.message}`,
            record.status === "failed" ? "warn" : "info",
          );
        } catch (err) {
          if (!(err instanceof PlatformError)) throw err;
          transient.push(err);
          ctx.log(`${channel}: ${err.message} (will retry)`, "warn");
          record = (await ledger.find(key))!;
        }
      }
      results.push(toOutput(record));
      ctx.progress((i + 1) / config.channels.length);
    }
    if (transient.length) {
      // The engine retries the node with backoff; channels already published are skipped then.
      const err = new Error(`publishing was interrupted: ${transient.map((e) => `${e.channel}: ${e.message}`).join("; ")}`);
      (err as Error & { code: string }).code = transient[0].code;
      throw err;
    }
    if (results.every((r) => r.status === "failed")) {
      throw new PermanentNodeError(`every channel refused the video: ${results.map((r) => `${r.channel}: ${r.error?.message}`).join("; ")}`, "PUBLISH_FAILED", { publications: results });
    }
    return { publications: results };
  },
});

function toOutput(r: PublicationRecord): PublicationOutput {
  return {
    id: r.id,
    channel: r.channel,
    status: r.status,
    url: r.url,
    platformId: r.platformId,
    error: r.error,
    scheduledAt: r.scheduledAt,
    publishedAt: r.publishedAt,
    mediaHash: r.request.media.hash,
    productId: r.request.product?.id ?? null,
    format: r.request.format,
  };
}

/** When to publish: the schedule input if it says, else the config's; null is now. */
function scheduleOf(input: string | undefined, configured: string): string | null {
  // Both are checked already: the input by its port's schema, the config by the config schema.
  const v = input || configured;
  return v === "now" || v === "" ? null : new Date(Date.parse(v)).toISOString();
}
