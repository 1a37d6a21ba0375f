/**
 * A local Instagram Graph API for Reels publishing, speaking the real flow and error shapes:
 * resumable containers (POST /{ig-user-id}/media, bytes to rupload /{container-id}), container
 * status_code (IN_PROGRESS -> FINISHED -> PUBLISHED), media_publish, media permalinks, the
 * account's media list, and media insights. Errors are Graph API objects
 * ({ error: { message, type, code, error_subcode, fbtrace_id } }); throttling is code 4 with
 * X-App-Usage. Graph calls live under /graph/v21.0, uploads under /rupload/ig-api-upload/v21.0.
 */
import { looksLikeMp4, nextId, startFakeServer, tokenOf, type FakeServer } from "./platform-http.js";

export interface IgContainer {
  id: string;
  caption: string;
  status: "IN_PROGRESS" | "FINISHED" | "ERROR" | "EXPIRED" | "PUBLISHED";
  bytes: number;
  pollsLeft: number;
}

export interface IgMedia {
  id: string;
  caption: string;
  timestamp: string;
  permalink: string;
  containerId: string;
  insights: Record<string, number>;
}

export interface FakeInstagram extends FakeServer {
  graphUrl: string;
  uploadUrl: string;
  token: string;
  userId: string;
  containers: Map<string, IgContainer>;
  media: IgMedia[];
  /** How many status polls a container stays IN_PROGRESS after its upload. */
  processingPolls: number;
  /** Hold media_publish answers (after publishing) until release(): the caller looks hung. */
  holdPublish: boolean;
  release(): void;
  /** The next n Graph calls answer "(#4) Application request limit reached". */
  rateLimit(n: number): void;
}

const graphError = (message: string, code: number, extra: Record<string, unknown> = {}) => ({
  error: { message, type: code === 190 ? "OAuthException" : "OAuthException", code, ...extra, fbtrace_id: `A${nextId()}` },
});

export async function startFakeInstagram(o: { token?: string; userId?: string } = {}): Promise<FakeInstagram> {
  const token = o.token ?? "IGQVJ-fake-instagram-token-1234567890";
  const userId = o.userId ?? "17841400000000001";
  const containers = new Map<string, IgContainer>();
  const media: IgMedia[] = [];
  const held: (() => void)[] = [];
  let rateLimited = 0;
  const fake = {} as FakeInstagram;

  const server = await startFakeServer(async (r, reply) => {
    const path = r.path;
    if (tokenOf(r.req) !== token) return reply(400, graphError("Invalid OAuth access token - Cannot parse access token", 190));

    const upload = /^\/rupload\/ig-api-upload\/v21\.0\/([^/]+)$/.exec(path);
    if (upload && r.method === "POST") {
      const c = containers.get(upload[1]);
      if (!c) return reply(400, { debug_info: { type: "ProcessingFailedError", message: "Request processing failed" } });
      const size = Number(r.req.headers.file_size);
      if (Number(r.req.headers.offset ?? 0) !== 0 || size !== r.raw.length) return reply(400, { debug_info: { type: "ProcessingFailedError", message: `file_size ${size} does not match the ${r.raw.length} bytes sent` } });
      if (!looksLikeMp4(r.raw)) {
        c.status = "ERROR";
        return reply(200, { success: true, message: "Upload successful." });
      }
      c.bytes = size;
      return reply(200, { success: true, message: "Upload successful." });
    }

    const g = /^\/graph\/v21\.0\/(.+)$/.exec(path);
    if (!g) return reply(404, graphError("Unknown path components", 2500));
    if (rateLimited > 0) {
      rateLimited--;
      return reply(400, graphError("(#4) Application request limit reached", 4, { is_transient: true }), { "x-app-usage": JSON.stringify({ call_count: 100, total_cputime: 25, total_time: 30 }) });
    }
    const parts = g[1].split("/");
    const form = r.method === "POST" ? r.form() : r.url.searchParams;

    if (parts[0] === userId && parts[1] === "media" && r.method === "POST") {
      if (form.get("media_type") !== "REELS") return reply(400, graphError("(#100) The parameter media_type must be REELS for this request", 100));
      if (form.get("upload_type") !== "resumable" && !form.get("video_url")) return reply(400, graphError("(#100) The parameter video_url is required", 100));
      const c: IgContainer = { id: nextId("1790"), caption: form.get("caption") ?? "", status: "IN_PROGRESS", bytes: 0, pollsLeft: fake.processingPolls };
      containers.set(c.id, c);
      return reply(200, { id: c.id });
    }
    if (parts[0] === userId && parts[1] === "media_publish" && r.method === "POST") {
      const c = containers.get(form.get("creation_id") ?? "");
      if (!c) return reply(400, graphError("(#100) Param creation_id is not a valid container", 100));
      if (c.status === "PUBLISHED") return reply(400, graphError("The media has already been published", 9007, { error_subcode: 2207034, error_user_title: "Already published" }));
      if (c.status !== "FINISHED") return reply(400, graphError("Media ID is not available", 9007, { error_subcode: 2207027, error_user_title: "Media not ready" }));
      c.status = "PUBLISHED";
      const m: IgMedia = { id: nextId("1801"), caption: c.caption, timestamp: new Date().toISOString().replace(/\.\d+Z$/, "+0000"), permalink: "", containerId: c.id, insights: { views: 0, reach: 0, likes: 0, comments: 0, shares: 0, saved: 0, total_interactions: 0, ig_reels_video_view_total_time: 0 } };
      m.permalink = `https://www.instagram.com/reel/${m.id}/`;
      media.unshift(m);
      if (fake.holdPublish) await new Promise<void>((resolve) => held.push(resolve));
      return reply(200, { id: m.id });
    }
    if (parts[0] === userId && parts[1] === "media" && r.method === "GET") {
      return reply(200, { data: media.map((m) => ({ id: m.id, caption: m.caption, timestamp: m.timestamp, permalink: m.permalink })), paging: { cursors: { before: "a", after: "b" } } });
    }
    const container = containers.get(parts[0]);
    if (container && parts.length === 1 && r.method === "GET") {
      if (container.status === "IN_PROGRESS" && container.bytes > 0) {
        if (container.pollsLeft-- <= 0) container.status = "FINISHED";
      }
      return reply(200, { status_code: container.status, ...(container.status === "ERROR" ? { status: "Error: The video file could not be processed (2207026)" } : {}), id: container.id });
    }
    const m = media.find((x) => x.id === parts[0]);
    if (m && parts.length === 1 && r.method === "GET") return reply(200, { permalink: m.permalink, id: m.id });
    if (m && parts[1] === "insights" && r.method === "GET") {
      const wanted = (r.url.searchParams.get("metric") ?? "").split(",").filter(Boolean);
      const unknown = wanted.find((w) => !(w in m.insights));
      if (unknown) return reply(400, graphError(`(#100) metric[0] must be one of the following values: ${Object.keys(m.insights).join(", ")}`, 100));
      return reply(200, {
        data: wanted.map((name) => ({ name, period: "lifetime", values: [{ value: m.insights[name] }], title: name, description: name, id: `${m.id}/insights/${name}/lifetime` })),
      });
    }
    return reply(400, graphError(`Unsupported ${r.method} request. Object with ID '${parts[0]}' does not exist`, 100, { error_subcode: 33 }));
  });

  Object.assign(fake, server, {
    graphUrl: `${server.origin}/graph/v21.0`,
    uploadUrl: `${server.origin}/rupload/ig-api-upload/v21.0`,
    token,
    userId,
    containers,
    media,
    processingPolls: 1,
    holdPublish: false,
    release() {
      for (const h of held.splice(0)) h();
    },
    rateLimit(n: number) {
      rateLimited = n;
    },
    async close() {
      fake.release();
      await server.close();
    },
  });
  return fake;
}
