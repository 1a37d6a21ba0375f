/**
 * A local YouTube Data API v3 resumable upload endpoint and YouTube Analytics reports endpoint:
 *   POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status -> 200 + Location (session)
 *   PUT  {session}  bytes (whole, or chunks with Content-Range) -> 308 + Range while incomplete,
 *                   200 with the video resource when complete; "bytes * /size" asks for the status
 *   GET  /youtubeanalytics/v2/reports?ids=channel==MINE&metrics=...&dimensions=video&filters=video==ID
 * Errors are Google JSON errors ({ error: { code, message, errors: [{ reason, domain }], status } }):
 * 401 authError, 400 invalidTitle, 403 quotaExceeded, 429/403 rateLimitExceeded with Retry-After.
 */
import { looksLikeMp4, nextId, startFakeServer, tokenOf, type FakeServer } from "./platform-http.js";

export interface YtVideo {
  id: string;
  title: string;
  description: string;
  tags: string[];
  privacyStatus: string;
  publishAt?: string;
  bytes: number;
  /** Reported by the analytics endpoint. */
  stats: Record<string, number>;
}

interface Session {
  id: string;
  size: number;
  received: Buffer[];
  receivedBytes: number;
  metadata: { snippet?: { title?: string; description?: string; tags?: string[] }; status?: { privacyStatus?: string; publishAt?: string } };
  video?: YtVideo;
}

export interface FakeYouTube extends FakeServer {
  uploadUrl: string;
  apiUrl: string;
  analyticsUrl: string;
  token: string;
  videos: YtVideo[];
  sessions: Map<string, Session>;
  /** The next upload PUT stores only this many bytes, then the connection answers 503 (a dropped upload). */
  truncateNextUpload(bytes: number): void;
  /** Hold the answer of the upload that completes a video (the video exists) until release(). */
  holdUploadAnswers: boolean;
  release(): void;
}

const googleError = (code: number, message: string, reason: string, status: string, domain = "youtube.video") => ({
  error: { code, message, errors: [{ message, domain, reason }], status },
});

export async function startFakeYouTube(o: { token?: string } = {}): Promise<FakeYouTube> {
  const token = o.token ?? "ya29.fake-youtube-token-abcdefghijklmnop";
  const videos: YtVideo[] = [];
  const sessions = new Map<string, Session>();
  let truncate: number | undefined;
  const fake = {} as FakeYouTube;

  const videoResource = (v: YtVideo) => ({
    kind: "youtube#video",
    etag: `"${v.id}"`,
    id: v.id,
    snippet: { title: v.title, description: v.description, tags: v.tags, channelId: "UCfakechannel", publishedAt: new Date().toISOString() },
    status: { uploadStatus: "uploaded", privacyStatus: v.privacyStatus, ...(v.publishAt ? { publishAt: v.publishAt } : {}), license: "youtube", embeddable: true },
  });

  const server = await startFakeServer(async (r, reply) => {
    if (tokenOf(r.req) !== token) {
      return reply(401, googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token.", "authError", "UNAUTHENTICATED", "global"), {
        "www-authenticate": 'Bearer realm="https://accounts.google.com/"',
      });
    }
    if (r.path === "/upload/youtube/v3/videos" && r.method === "POST" && r.url.searchParams.get("upload_id") === null) {
      if (r.url.searchParams.get("uploadType") !== "resumable") return reply(400, googleError(400, "uploadType must be resumable", "invalidParameter", "INVALID_ARGUMENT", "global"));
      const size = Number(r.req.headers["x-upload-content-length"]);
      if (!Number.isFinite(size) || size <= 0) return reply(400, googleError(400, "X-Upload-Content-Length is required", "badContent", "INVALID_ARGUMENT"));
      const metadata = r.json();
      if (!metadata.snippet?.title) return reply(400, googleError(400, "The request metadata specifies an invalid or empty video title.", "invalidTitle", "INVALID_ARGUMENT"));
      const id = nextId("AEnB2U");
      sessions.set(id, { id, size, received: [], receivedBytes: 0, metadata });
      return reply(200, null, { location: `${fake.uploadUrl}/videos?uploadType=resumable&upload_id=${id}`, "x-guploader-uploadid": id });
    }
    const uploadId = r.url.searchParams.get("upload_id");
    if (r.path === "/upload/youtube/v3/videos" && r.method === "PUT" && uploadId) {
      const s = sessions.get(uploadId);
      if (!s) return reply(404, googleError(404, "The upload session does not exist or has expired.", "notFound", "NOT_FOUND", "global"));
      const range = String(r.req.headers["content-range"] ?? "");
      const status = () => (s.video ? reply(200, videoResource(s.video)) : reply(308, null, s.receivedBytes > 0 ? { range: `bytes=0-${s.receivedBytes - 1}` } : {}));
      if (/^bytes \*\/\d+$/.test(range)) return status();
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
      const start = m ? Number(m[1]) : 0;
      if (start !== s.receivedBytes) return status();
      let chunk = r.raw;
      if (truncate !== undefined) {
        chunk = chunk.subarray(0, truncate);
        truncate = undefined;
        s.received.push(chunk);
        s.receivedBytes += chunk.length;
        return reply(503, googleError(503, "Backend Error", "backendError", "UNAVAILABLE", "global"));
      }
      s.received.push(chunk);
      s.receivedBytes += chunk.length;
      if (s.receivedBytes < s.size) return status();
      const bytes = Buffer.concat(s.received);
      if (!looksLikeMp4(bytes)) return reply(400, googleError(400, "The video file is not a supported format.", "invalidVideoFormat", "INVALID_ARGUMENT"));
      s.video = {
        id: nextId("yt").slice(0, 11),
        title: s.metadata.snippet?.title ?? "",
        description: s.metadata.snippet?.description ?? "",
        tags: s.metadata.snippet?.tags ?? [],
        privacyStatus: s.metadata.status?.privacyStatus ?? "public",
        publishAt: s.metadata.status?.publishAt,
        bytes: bytes.length,
        stats: {},
      };
      videos.push(s.video);
      if (fake.holdUploadAnswers) await new Promise<void>((resolve) => held.push(resolve));
      return reply(200, videoResource(s.video));
    }
    if (r.path === "/youtubeanalytics/v2/reports" && r.method === "GET") {
      const q = r.url.searchParams;
      if (q.get("ids") !== "channel==MINE") return reply(400, googleError(400, "ids must be channel==MINE", "invalid", "INVALID_ARGUMENT", "global"));
      for (const k of ["startDate", "endDate", "metrics"]) {
        if (!q.get(k)) return reply(400, googleError(400, `Required parameter: ${k}`, "required", "INVALID_ARGUMENT", "global"));
      }
      const metrics = q.get("metrics")!.split(",");
      const ids = (/^video==(.+)$/.exec(q.get("filters") ?? "")?.[1] ?? "").split(",").filter(Boolean);
      const rows = videos.filter((v) => ids.length === 0 || ids.includes(v.id)).map((v) => [v.id, ...metrics.map((m) => v.stats[m] ?? 0)]);
      return reply(200, {
        kind: "youtubeAnalytics#resultTable",
        columnHeaders: [{ name: "video", columnType: "DIMENSION", dataType: "STRING" }, ...metrics.map((name) => ({ name, columnType: "METRIC", dataType: name.startsWith("average") ? "FLOAT" : "INTEGER" }))],
        rows,
      });
    }
    return reply(404, googleError(404, `No route ${r.method} ${r.path}`, "notFound", "NOT_FOUND", "global"));
  });

  const held: (() => void)[] = [];
  const close = server.close;
  Object.assign(fake, server, {
    holdUploadAnswers: false,
    release() {
      for (const r of held.splice(0)) r();
    },
    close() {
      fake.release();
      return close();
    },
    uploadUrl: `${server.origin}/upload/youtube/v3`,
    apiUrl: `${server.origin}/youtube/v3`,
    analyticsUrl: `${server.origin}/youtubeanalytics/v2`,
    token,
    videos,
    sessions,
    truncateNextUpload(bytes: number) {
      truncate = bytes;
    },
  });
  return fake;
}
