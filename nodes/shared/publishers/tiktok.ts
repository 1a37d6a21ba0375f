/**
 * TikTok through the Content Posting API (Direct Post):
 *   POST /v2/post/publish/creator_info/query/  (privacy options, max duration)
 *   POST /v2/post/publish/video/init/          -> publish_id, upload_url
 *   PUT  {upload_url}                           (chunks with Content-Range; 201 on the last)
 *   POST /v2/post/publish/status/fetch/        until PUBLISH_COMPLETE
 * publish_id is checkpointed right after init, so a retry asks TikTok about that post (complete,
 * failed, or still waiting for bytes) instead of creating another.
 */
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { PlatformClient, PlatformError, retryableStatus, type ErrorShape } from "./http.js";
import { requireSecret, type AdapterContext, type PlatformAdapter } from "./types.js";

/** TikTok's upload chunks: 5-64 MB each (the last may be up to 128 MB); small files go whole. */
const CHUNK = 10 * 1024 * 1024;

const PERMANENT = new Set(["access_token_invalid", "scope_not_authorized", "spam_risk_too_many_posts", "spam_risk_user_banned_from_posting", "unaudited_client_can_only_post_to_private_accounts", "privacy_level_option_mismatch", "invalid_param", "url_ownership_unverified"]);

export function describeTikTokError(status: number, body: unknown): ErrorShape {
  const e = (body as { error?: { code?: string; message?: string; log_id?: string } } | null)?.error;
  if (!e || e.code === "ok") return { code: `HTTP_${status}`, message: `TikTok answered HTTP ${status}`, retryable: retryableStatus(status), rateLimited: status === 429 };
  const rateLimited = e.code === "rate_limit_exceeded" || status === 429;
  return {
    code: `TIKTOK_${e.code}`,
    message: `${e.code}: ${e.message || "error"}`,
    retryable: rateLimited || (!PERMANENT.has(e.code ?? "") && retryableStatus(status)),
    rateLimited,
    platform: { code: e.code, log_id: e.log_id },
  };
}

interface TtState {
  username?: string;
  publishId?: string;
  uploadUrl?: string;
  uploaded?: boolean;
}

interface StatusData {
  status: "PROCESSING_UPLOAD" | "PROCESSING_DOWNLOAD" | "SEND_TO_USER_INBOX" | "PUBLISH_COMPLETE" | "FAILED";
  fail_reason?: string;
  publicaly_available_post_id?: (string | number)[];
  uploaded_bytes?: number;
}

export const tiktokAdapter: PlatformAdapter = {
  channel: "tiktok",
  schedulesNatively: false,
  async reconcile(a) {
    const state = a.record.platformState as TtState;
    // Without a publish_id TikTok has no post of ours: init is what creates one.
    if (!state.publishId) return null;
    const token = requireSecret(a.secrets, "TIKTOK_ACCESS_TOKEN", "tiktok");
    const http = new PlatformClient({ channel: "tiktok", describeError: describeTikTokError, signal: a.signal, log: a.log });
    const res = await http.request<{ data: StatusData }>(`${a.endpoints.tiktokApi}/v2/post/publish/status/fetch/`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=UTF-8" },
      body: JSON.stringify({ publish_id: state.publishId }),
    });
    a.log(`tiktok: resuming post ${state.publishId} (${res.body.data.status})`);
    return res.body.data.status === "PUBLISH_COMPLETE" ? resultOf(res.body.data, state) : null;
  },
  async publish(a: AdapterContext) {
    const token = requireSecret(a.secrets, "TIKTOK_ACCESS_TOKEN", "tiktok");
    const http = new PlatformClient({ channel: "tiktok", describeError: describeTikTokError, signal: a.signal, log: a.log });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json; charset=UTF-8" };
    const api = a.endpoints.tiktokApi;
    const state: TtState = { ...(a.record.platformState as TtState) };
    const save = async (patch: TtState) => {
      Object.assign(state, patch);
      await a.ledger.checkpoint(a.record.id, patch as Record<string, unknown>);
    };
    const bytes = await readFile(a.file);
    const fetchStatus = async () =>
      (await http.request<{ data: StatusData }>(`${api}/v2/post/publish/status/fetch/`, { method: "POST", headers, body: JSON.stringify({ publish_id: state.publishId }) })).body.data;

    let status: StatusData | undefined;
    if (state.publishId) {
      status = await fetchStatus();
      a.log(`tiktok: resuming post ${state.publishId} (${status.status}${status.uploaded_bytes !== undefined ? `, ${status.uploaded_bytes} bytes received` : ""})`);
      if (status.status === "FAILED") throw new PlatformError("tiktok", "TIKTOK_PUBLISH_FAILED", `TikTok could not publish the video: ${status.fail_reason ?? "unknown reason"}`, false);
      if (status.status === "PROCESSING_UPLOAD" && (status.uploaded_bytes ?? 0) < bytes.length) state.uploaded = false;
    } else {
      const info = (await http.request<{ data: { creator_username?: string; privacy_level_options?: string[]; max_video_post_duration_sec?: number } }>(
        `${api}/v2/post/publish/creator_info/query/`,
        { method: "POST", headers },
      )).body.data;
      const privacy = String(a.request.settings.privacy ?? "PUBLIC_TO_EVERYONE");
      if (info.privacy_level_options && !info.privacy_level_options.includes(privacy)) {
        throw new PlatformError("tiktok", "TIKTOK_PRIVACY_NOT_OFFERED", `this account cannot post as ${privacy}; it offers ${info.privacy_level_options.join(", ")}`, false);
      }
      const duration = a.request.format.durationSec;
      if (duration && info.max_video_post_duration_sec && duration > info.max_video_post_duration_sec) {
        throw new PlatformError("tiktok", "TIKTOK_TOO_LONG", `${duration} s is longer than this account may post (${info.max_video_post_duration_sec} s)`, false);
      }
      const chunk = bytes.length <= CHUNK ? bytes.length : CHUNK;
      const init = await http.request<{ data: { publish_id: string; upload_url: string } }>(`${api}/v2/post/publish/video/init/`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          post_info: {
            title: titleOf(a.request.caption, a.request.hashtags),
            privacy_level: privacy,
            disable_comment: Boolean(a.request.settings.disableComment ?? false),
            disable_duet: Boolean(a.request.settings.disableDuet ?? false),
            disable_stitch: Boolean(a.request.settings.disableStitch ?? false),
            video_cover_timestamp_ms: 1000,
          },
          source_info: { source: "FILE_UPLOAD", video_size: bytes.length, chunk_size: chunk, total_chunk_count: Math.max(1, Math.floor(bytes.length / chunk)) },
        }),
      });
      await save({ username: info.creator_username, publishId: init.body.data.publish_id, uploadUrl: init.body.data.upload_url, uploaded: false });
      a.log(`tiktok: post ${state.publishId} initialised`);
    }

    if (!state.uploaded && status?.status !== "PUBLISH_COMPLETE") {
      const chunk = bytes.length <= CHUNK ? bytes.length : CHUNK;
      const count = Math.max(1, Math.floor(bytes.length / chunk));
      for (let i = 0; i < count; i++) {
        const start = i * chunk;
        const end = i === count - 1 ? bytes.length : start + chunk; // the last chunk takes the remainder
        await http.request(state.uploadUrl!, {
          method: "PUT",
          headers: { "content-type": a.request.media.mime, "content-length": String(end - start), "content-range": `bytes ${start}-${end - 1}/${bytes.length}` },
          body: bytes.subarray(start, end),
        });
      }
      await save({ uploaded: true });
      a.log(`tiktok: uploaded ${bytes.length} bytes in ${count} chunk(s)`);
    }

    const deadline = Date.now() + a.timeoutMs;
    while (status?.status !== "PUBLISH_COMPLETE") {
      if (status) await sleep(a.pollMs, undefined, { signal: a.signal });
      status = await fetchStatus();
      if (status.status === "FAILED") throw new PlatformError("tiktok", "TIKTOK_PUBLISH_FAILED", `TikTok could not publish the video: ${status.fail_reason ?? "unknown reason"}`, false);
      if (Date.now() > deadline) throw new PlatformError("tiktok", "TIKTOK_PROCESSING_TIMEOUT", `TikTok was still processing after ${Math.round(a.timeoutMs / 1000)} s (${status.status})`, true);
    }
    return resultOf(status, state);
  },
};

function resultOf(status: StatusData, state: TtState) {
  const postId = status.publicaly_available_post_id?.[0];
  const url = postId !== undefined && state.username ? `https://www.tiktok.com/@${state.username}/video/${postId}` : null;
  return { platformId: String(postId ?? state.publishId), url };
}

/** TikTok puts caption and hashtags in one title (max 2,200 characters). */
export const titleOf = (caption: string, hashtags: string[]) =>
  [caption.trim(), hashtags.map((h) => `#${h.replace(/^#/, "")}`).join(" ")].filter(Boolean).join(" ").slice(0, 2200);
