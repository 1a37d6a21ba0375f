/**
 * A local TikTok Content Posting API (Direct Post) and Display API video query:
 *   POST /v2/post/publish/creator_info/query/
 *   POST /v2/post/publish/video/init/   (FILE_UPLOAD: video_size, chunk_size, total_chunk_count checked)
 *   PUT  /upload/?upload_id=..&upload_token=..  chunks with Content-Range (206, 201 on the last)
 *   POST /v2/post/publish/status/fetch/ (PROCESSING_UPLOAD -> PUBLISH_COMPLETE)
 *   POST /v2/video/query/?fields=...    (view_count, like_count, comment_count, share_count)
 * Every JSON answer has TikTok's envelope { data, error: { code, message, log_id } } with
 * code "ok" on success; a rate limit is HTTP 429 with code "rate_limit_exceeded".
 */
import { looksLikeMp4, nextId, startFakeServer, tokenOf, type FakeServer } from "./platform-http.js";

const MB = 1024 * 1024;

export interface TtPost {
  publishId: string;
  title: string;
  privacy: string;
  size: number;
  chunkSize: number;
  chunks: number;
  received: Map<number, Buffer>;
  receivedBytes: number;
  status: "PROCESSING_UPLOAD" | "PROCESSING_DOWNLOAD" | "PUBLISH_COMPLETE" | "FAILED";
  postId?: string;
  pollsLeft: number;
  stats: { view_count: number; like_count: number; comment_count: number; share_count: number };
}

export interface FakeTikTok extends FakeServer {
  apiUrl: string;
  token: string;
  username: string;
  posts: TtPost[];
  processingPolls: number;
  /** The next n API calls answer 429 rate_limit_exceeded with Retry-After. */
  rateLimit(n: number, retryAfterSec?: number): void;
}

const envelope = (data: unknown, code = "ok", message = "") => ({ data, error: { code, message, log_id: nextId("2024") } });

export async function startFakeTikTok(o: { token?: string; username?: string; privacyOptions?: string[] } = {}): Promise<FakeTikTok> {
  const token = o.token ?? "act.fake-tiktok-token-0123456789abcdef";
  const username = o.username ?? "nordlys.studio";
  const posts: TtPost[] = [];
  let limited = 0;
  let retryAfter = 1;
  const fake = {} as FakeTikTok;

  const server = await startFakeServer(async (r, reply) => {
    if (r.path === "/upload/" && r.method === "PUT") {
      const post = posts.find((p) => p.publishId === r.url.searchParams.get("upload_id"));
      if (!post || r.url.searchParams.get("upload_token") !== post.publishId.split("~")[1]) return reply(403, envelope({}, "access_token_invalid", "upload token does not match"));
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(r.req.headers["content-range"] ?? ""));
      if (!m || Number(m[3]) !== post.size || Number(m[2]) - Number(m[1]) + 1 !== r.raw.length) return reply(416, envelope({}, "invalid_params", "Content-Range does not match the chunk"));
      post.received.set(Number(m[1]), r.raw);
      post.receivedBytes = [...post.received.values()].reduce((s, b) => s + b.length, 0);
      if (post.receivedBytes < post.size) return reply(206, null);
      const bytes = Buffer.concat([...post.received.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
      post.status = looksLikeMp4(bytes) ? "PROCESSING_DOWNLOAD" : "FAILED";
      return reply(201, null);
    }
    if (tokenOf(r.req) !== token) return reply(401, envelope({}, "access_token_invalid", "The access token is invalid or not found in the request."));
    if (limited > 0) {
      limited--;
      return reply(429, envelope({}, "rate_limit_exceeded", "API rate limit exceeded, please retry later."), { "retry-after": String(retryAfter) });
    }
    if (r.path === "/v2/post/publish/creator_info/query/" && r.method === "POST") {
      return reply(
        200,
        envelope({
          creator_avatar_url: "https://p16.tiktokcdn.com/avatar.jpeg",
          creator_username: username,
          creator_nickname: "Nordlys",
          privacy_level_options: o.privacyOptions ?? ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
          comment_disabled: false,
          duet_disabled: false,
          stitch_disabled: false,
          max_video_post_duration_sec: 600,
        }),
      );
    }
    if (r.path === "/v2/post/publish/video/init/" && r.method === "POST") {
      const body = r.json();
      const info = body.post_info ?? {};
      const src = body.source_info ?? {};
      if (!(o.privacyOptions ?? ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]).includes(info.privacy_level)) {
        return reply(400, envelope({}, "privacy_level_option_mismatch", "privacy_level is not one of the creator's options"));
      }
      if (src.source !== "FILE_UPLOAD") return reply(400, envelope({}, "invalid_param", "source must be FILE_UPLOAD"));
      const size = Number(src.video_size);
      const chunk = Number(src.chunk_size);
      const count = Number(src.total_chunk_count);
      // TikTok's rules: whole file when under 5 MB; otherwise 5-64 MB chunks, the last taking the rest.
      const okChunks = size < 5 * MB ? chunk === size && count === 1 : chunk >= 5 * MB && chunk <= 64 * MB && count === Math.floor(size / chunk);
      if (!size || !okChunks) return reply(400, envelope({}, "invalid_params", `chunk_size ${chunk} / total_chunk_count ${count} do not fit video_size ${size}`));
      const publishId = `v_pub_file~v2-1.${nextId()}`;
      posts.push({
        publishId,
        title: info.title ?? "",
        privacy: info.privacy_level,
        size,
        chunkSize: chunk,
        chunks: count,
        received: new Map(),
        receivedBytes: 0,
        status: "PROCESSING_UPLOAD",
        pollsLeft: fake.processingPolls,
        stats: { view_count: 0, like_count: 0, comment_count: 0, share_count: 0 },
      });
      return reply(200, envelope({ publish_id: publishId, upload_url: `${server.origin}/upload/?upload_id=${encodeURIComponent(publishId)}&upload_token=${publishId.split("~")[1]}` }));
    }
    if (r.path === "/v2/post/publish/status/fetch/" && r.method === "POST") {
      const post = posts.find((p) => p.publishId === r.json().publish_id);
      if (!post) return reply(400, envelope({}, "invalid_publish_id", "publish_id does not exist"));
      if (post.status === "PROCESSING_DOWNLOAD" && post.pollsLeft-- <= 0) {
        post.status = "PUBLISH_COMPLETE";
        post.postId = String(7_300_000_000_000_000_000n + BigInt(posts.indexOf(post)));
      }
      return reply(
        200,
        envelope({
          status: post.status,
          ...(post.status === "FAILED" ? { fail_reason: "file_format_check_failed" } : {}),
          ...(post.postId ? { publicaly_available_post_id: [post.postId] } : {}),
          uploaded_bytes: post.receivedBytes,
        }),
      );
    }
    if (r.path === "/v2/video/query/" && r.method === "POST") {
      const fields = (r.url.searchParams.get("fields") ?? "").split(",").filter(Boolean);
      const ids: string[] = r.json().filters?.video_ids ?? [];
      const videos = posts
        .filter((p) => p.postId && ids.includes(p.postId))
        .map((p) => Object.fromEntries([["id", p.postId], ...fields.filter((f) => f !== "id").map((f) => [f, (p.stats as Record<string, number>)[f] ?? 0])]));
      return reply(200, envelope({ videos, cursor: 0, has_more: false }));
    }
    return reply(404, envelope({}, "not_found", `no route ${r.method} ${r.path}`));
  });

  Object.assign(fake, server, {
    apiUrl: server.origin,
    token,
    username,
    posts,
    processingPolls: 1,
    rateLimit(n: number, sec = 1) {
      limited = n;
      retryAfter = sec;
    },
  });
  return fake;
}
