/**
 * YouTube Shorts through the Data API v3 resumable upload:
 *   POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status (metadata) -> Location: session URL
 *   PUT  {session} (the bytes) -> 200/201 with the video resource
 * The session URL is checkpointed before any byte is sent. A retry first asks the session where it
 * stands (PUT with "Content-Range: bytes * /size"): 308 resumes from the byte YouTube has, 200/201
 * means the earlier attempt completed (its video is returned, nothing is uploaded twice).
 * Scheduling is native: a private video with status.publishAt goes public at that time.
 */
import { readFile, stat } from "node:fs/promises";
import { PlatformClient, PlatformError, retryableStatus, type ErrorShape } from "./http.js";
import { requireSecret, type AdapterContext, type PlatformAdapter } from "./types.js";

const RATE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "uploadRateLimitExceeded"]);

export function describeGoogleError(status: number, body: unknown): ErrorShape {
  const e = (body as { error?: { code?: number; message?: string; status?: string; errors?: { reason?: string; domain?: string; message?: string }[] } } | null)?.error;
  if (!e) return { code: `HTTP_${status}`, message: `YouTube answered HTTP ${status}`, retryable: retryableStatus(status), rateLimited: status === 429 };
  const reason = e.errors?.[0]?.reason;
  const rateLimited = status === 429 || (reason !== undefined && RATE_REASONS.has(reason));
  return {
    code: reason ? `YT_${reason}` : `YT_${e.status ?? status}`,
    message: e.message ?? `HTTP ${status}`,
    // quotaExceeded lasts until midnight Pacific: retrying within the run will not help.
    retryable: rateLimited || (retryableStatus(status) && reason !== "quotaExceeded"),
    rateLimited,
    platform: { code: e.code, status: e.status, errors: e.errors },
  };
}

interface YtState {
  sessionUrl?: string;
  videoId?: string;
}

interface VideoResource {
  id: string;
  status?: { uploadStatus?: string; privacyStatus?: string; publishAt?: string };
}

export const youtubeAdapter: PlatformAdapter = {
  channel: "youtube_shorts",
  schedulesNatively: true,
  async reconcile(a) {
    const state = a.record.platformState as YtState;
    const scheduled = a.request.scheduleAt && Date.parse(a.request.scheduleAt) > Date.now() ? a.request.scheduleAt : null;
    const result = (id: string) => ({ platformId: id, url: `https://youtube.com/shorts/${id}`, ...(scheduled ? { publishedAt: new Date(scheduled).toISOString() } : {}) });
    if (state.videoId) return result(state.videoId);
    // No session: YouTube creates the video only when a session's last byte arrives.
    if (!state.sessionUrl) return null;
    const token = requireSecret(a.secrets, "YOUTUBE_ACCESS_TOKEN", "youtube_shorts");
    const http = new PlatformClient({ channel: "youtube_shorts", describeError: describeGoogleError, signal: a.signal, log: a.log });
    const size = (await stat(a.file)).size;
    // Google's resumable protocol: an empty PUT with "bytes */size" asks where the upload stands.
    const probe = await http.request<VideoResource>(state.sessionUrl, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-range": `bytes */${size}`, "content-length": "0" },
      okStatuses: [308],
    });
    if (probe.status === 308) return null;
    a.log(`youtube: the earlier upload had completed (video ${probe.body.id})`);
    await a.ledger.checkpoint(a.record.id, { videoId: probe.body.id });
    return result(probe.body.id);
  },
  async publish(a: AdapterContext) {
    const token = requireSecret(a.secrets, "YOUTUBE_ACCESS_TOKEN", "youtube_shorts");
    const http = new PlatformClient({ channel: "youtube_shorts", describeError: describeGoogleError, signal: a.signal, log: a.log });
    const auth = { authorization: `Bearer ${token}` };
    const state: YtState = { ...(a.record.platformState as YtState) };
    const bytes = await readFile(a.file);
    const size = bytes.length;
    const scheduled = a.request.scheduleAt && Date.parse(a.request.scheduleAt) > Date.now() ? a.request.scheduleAt : null;

    let video: VideoResource | undefined;
    let offset = 0;
    if (!state.videoId && state.sessionUrl) {
      const probe = await http.request<VideoResource>(state.sessionUrl, {
        method: "PUT",
        headers: { ...auth, "content-range": `bytes */${size}`, "content-length": "0" },
        okStatuses: [308],
      });
      if (probe.status === 308) {
        const range = probe.headers.get("range");
        offset = range ? Number(/bytes=0-(\d+)/.exec(range)?.[1] ?? -1) + 1 : 0;
        a.log(`youtube: resuming the upload at byte ${offset} of ${size}`);
      } else {
        video = probe.body;
        a.log(`youtube: the earlier upload had completed (video ${video.id})`);
      }
    }
    if (!state.videoId && !video) {
      if (!state.sessionUrl) {
        const metadata = {
          snippet: {
            title: a.request.title.slice(0, 100),
            description: [a.request.caption, a.request.hashtags.map((h) => `#${h.replace(/^#/, "")}`).join(" ")].filter(Boolean).join("\n\n"),
            tags: a.request.hashtags.map((h) => h.replace(/^#/, "")),
            categoryId: String(a.request.settings.categoryId ?? "22"),
          },
          status: {
            privacyStatus: scheduled ? "private" : String(a.request.settings.privacy ?? "public"),
            ...(scheduled ? { publishAt: new Date(scheduled).toISOString() } : {}),
            selfDeclaredMadeForKids: Boolean(a.request.settings.madeForKids ?? false),
          },
        };
        const init = await http.request(`${a.endpoints.youtubeUpload}/videos?uploadType=resumable&part=snippet,status`, {
          method: "POST",
          headers: {
            ...auth,
            "content-type": "application/json; charset=UTF-8",
            "x-upload-content-length": String(size),
            "x-upload-content-type": a.request.media.mime,
          },
          body: JSON.stringify(metadata),
        });
        const location = init.headers.get("location");
        if (!location) throw new PlatformError("youtube_shorts", "YT_NO_SESSION", "YouTube did not return an upload session URL", true, init.status);
        state.sessionUrl = location;
        await a.ledger.checkpoint(a.record.id, { sessionUrl: location });
      }
      const put = await http.request<VideoResource>(state.sessionUrl!, {
        method: "PUT",
        headers: {
          ...auth,
          "content-type": a.request.media.mime,
          "content-length": String(size - offset),
          ...(offset > 0 ? { "content-range": `bytes ${offset}-${size - 1}/${size}` } : {}),
        },
        body: offset > 0 ? bytes.subarray(offset) : bytes,
        okStatuses: [308],
      });
      if (put.status === 308) throw new PlatformError("youtube_shorts", "YT_UPLOAD_INCOMPLETE", "YouTube has not received the whole file yet", true, 308);
      video = put.body;
      a.log(`youtube: uploaded ${size - offset} bytes`);
    }
    const id = state.videoId ?? video!.id;
    if (!state.videoId) await a.ledger.checkpoint(a.record.id, { videoId: id });
    return { platformId: id, url: `https://youtube.com/shorts/${id}`, ...(scheduled ? { publishedAt: new Date(scheduled).toISOString() } : {}) };
  },
};
