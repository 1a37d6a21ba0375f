/**
 * Metrics per publication from each channel's insights API (through the same error handling and
 * rate-limit waits as publishing), and from the library's own view/click tracking.
 *   Instagram: GET /{media-id}/insights?metric=views,reach,likes,comments,shares,saved,ig_reels_video_view_total_time
 *   YouTube:   GET youtubeanalytics/v2/reports?ids=channel==MINE&dimensions=video&filters=video==ID
 *   TikTok:    POST /v2/video/query/?fields=id,view_count,like_count,comment_count,share_count
 */
import { describeGraphError } from "../shared/publishers/instagram.js";
import { PlatformClient } from "../shared/publishers/http.js";
import type { PublicationRecord } from "../shared/publishers/ledger.js";
import { describeTikTokError } from "../shared/publishers/tiktok.js";
import { requireSecret, type PlatformEndpoints } from "../shared/publishers/types.js";
import { describeGoogleError } from "../shared/publishers/youtube.js";
import type { SecretReader } from "../contract.js";
import type { MetricValues, MetricsStore } from "../shared/metrics-store.js";

export interface CollectContext {
  endpoints: PlatformEndpoints;
  secrets: SecretReader;
  store: MetricsStore;
  signal: AbortSignal;
  log(m: string): void;
  windowStart: string;
  windowEnd: string;
}

export interface Collected {
  values: MetricValues;
  source: string;
}

type Collector = (pubs: PublicationRecord[], c: CollectContext) => Promise<Map<string, Collected>>;

const IG_METRICS = ["views", "reach", "likes", "comments", "shares", "saved", "ig_reels_video_view_total_time"];

const instagram: Collector = async (pubs, c) => {
  const token = requireSecret(c.secrets, "INSTAGRAM_ACCESS_TOKEN", "instagram_reels");
  const http = new PlatformClient({ channel: "instagram_reels", describeError: describeGraphError, signal: c.signal, log: c.log });
  const out = new Map<string, Collected>();
  for (const p of pubs) {
    const res = await http.request<{ data: { name: string; values: { value: number }[] }[] }>(
      `${c.endpoints.instagramGraph}/${encodeURIComponent(p.platformId!)}/insights?metric=${IG_METRICS.join(",")}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const v = Object.fromEntries(res.body.data.map((d) => [d.name, d.values[0]?.value ?? 0]));
    out.set(p.id, {
      source: "instagram_insights",
      values: {
        views: v.views,
        impressions: v.reach,
        likes: v.likes,
        comments: v.comments,
        shares: v.shares,
        saves: v.saved,
        // Reported in milliseconds.
        watchTimeSec: v.ig_reels_video_view_total_time !== undefined ? v.ig_reels_video_view_total_time / 1000 : undefined,
      },
    });
  }
  return out;
};

const youtube: Collector = async (pubs, c) => {
  const token = requireSecret(c.secrets, "YOUTUBE_ACCESS_TOKEN", "youtube_shorts");
  const http = new PlatformClient({ channel: "youtube_shorts", describeError: describeGoogleError, signal: c.signal, log: c.log });
  const metrics = ["views", "estimatedMinutesWatched", "likes", "comments", "shares"];
  const earliest = pubs.map((p) => p.publishedAt ?? c.windowStart).sort()[0];
  const q = new URLSearchParams({
    ids: "channel==MINE",
    startDate: (earliest > c.windowStart ? earliest : c.windowStart).slice(0, 10),
    endDate: c.windowEnd.slice(0, 10),
    metrics: metrics.join(","),
    dimensions: "video",
    filters: `video==${pubs.map((p) => p.platformId).join(",")}`,
  });
  const res = await http.request<{ columnHeaders: { name: string }[]; rows?: (string | number)[][] }>(`${c.endpoints.youtubeAnalytics}/reports?${q}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const col = (name: string) => res.body.columnHeaders.findIndex((h) => h.name === name);
  const out = new Map<string, Collected>();
  for (const row of res.body.rows ?? []) {
    const pub = pubs.find((p) => p.platformId === row[col("video")]);
    if (!pub) continue;
    const n = (name: string) => Number(row[col(name)] ?? 0);
    out.set(pub.id, { source: "youtube_analytics", values: { views: n("views"), watchTimeSec: n("estimatedMinutesWatched") * 60, likes: n("likes"), comments: n("comments"), shares: n("shares") } });
  }
  return out;
};

const tiktok: Collector = async (pubs, c) => {
  const token = requireSecret(c.secrets, "TIKTOK_ACCESS_TOKEN", "tiktok");
  const http = new PlatformClient({ channel: "tiktok", describeError: describeTikTokError, signal: c.signal, log: c.log });
  const out = new Map<string, Collected>();
  // The Display API takes up to 20 ids per query.
  for (let i = 0; i < pubs.length; i += 20) {
    const batch = pubs.slice(i, i + 20);
    const res = await http.request<{ data: { videos: { id: string; view_count?: number; like_count?: number; comment_count?: number; share_count?: number }[] } }>(
      `${c.endpoints.tiktokApi}/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count`,
      { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ filters: { video_ids: batch.map((p) => p.platformId) } }) },
    );
    for (const v of res.body.data.videos) {
      const pub = batch.find((p) => p.platformId === v.id);
      if (pub) out.set(pub.id, { source: "tiktok_display_api", values: { views: v.view_count, likes: v.like_count, comments: v.comment_count, shares: v.share_count } });
    }
  }
  return out;
};

const library: Collector = async (pubs, c) => {
  const counts = await c.store.libraryCounts(
    pubs.map((p) => p.id),
    c.windowStart,
    c.windowEnd,
  );
  return new Map(pubs.map((p) => [p.id, { source: "library", values: { views: counts[p.id].views, clicks: counts[p.id].clicks } }]));
};

/** Channels with an insights source; webhooks deliver elsewhere and report nothing back. */
export const COLLECTORS: Partial<Record<PublicationRecord["channel"], Collector>> = { instagram_reels: instagram, youtube_shorts: youtube, tiktok, library };
