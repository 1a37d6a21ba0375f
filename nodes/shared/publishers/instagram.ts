/**
 * Instagram Reels through the Instagram Graph API content publishing flow:
 *   POST /{ig-user-id}/media (media_type=REELS, upload_type=resumable) -> container id
 *   POST rupload /{container-id} (the bytes; our files are not on a public URL)
 *   GET  /{container-id}?fields=status_code until FINISHED
 *   POST /{ig-user-id}/media_publish (creation_id) -> media id;  GET /{media-id}?fields=permalink
 * Each created object is checkpointed. A crash after media_publish but before we stored its answer
 * is recovered, not re-published (reconcile): the container then reads PUBLISHED and the post is
 * found in the account's media (GET /{ig-user-id}/media) by caption and time.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readFile } from "node:fs/promises";
import { PlatformClient, PlatformError, type ErrorShape } from "./http.js";
import { requireSecret, type AdapterContext, type PlatformAdapter } from "./types.js";

/** Graph API codes that mean "slow down": app, user, page and API-specific rate limits. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008, 80014]);

export function describeGraphError(status: number, body: unknown): ErrorShape {
  const e = (body as { error?: { message?: string; type?: string; code?: number; error_subcode?: number; is_transient?: boolean; fbtrace_id?: string } } | null)?.error;
  if (!e) return { code: `HTTP_${status}`, message: `Instagram answered HTTP ${status}`, retryable: status >= 500 || status === 429 };
  const rateLimited = RATE_LIMIT_CODES.has(e.code ?? -1);
  return {
    code: `IG_${e.code ?? status}${e.error_subcode ? `_${e.error_subcode}` : ""}`,
    // Graph messages usually start with "(#code)" already; add it when they do not.
    message: /^\(#\d+\)/.test(e.message ?? "") ? e.message! : `(#${e.code}) ${e.message ?? "error"}`,
    retryable: rateLimited || e.is_transient === true || status >= 500 || e.code === 1 || e.code === 2,
    rateLimited,
    platform: { type: e.type, code: e.code, error_subcode: e.error_subcode, fbtrace_id: e.fbtrace_id },
  };
}

interface IgState {
  /** null: dropped (an expired container); jsonb merges keep keys, so a reset writes null. */
  containerId?: string | null;
  uploaded?: boolean;
  publishRequestedAt?: string | null;
  mediaId?: string;
}

function session(a: Omit<AdapterContext, "delivery">) {
  const token = requireSecret(a.secrets, "INSTAGRAM_ACCESS_TOKEN", "instagram_reels");
  const userId = (a.request.settings.userId as string | undefined) || requireSecret(a.secrets, "INSTAGRAM_USER_ID", "instagram_reels");
  const http = new PlatformClient({ channel: "instagram_reels", describeError: describeGraphError, signal: a.signal, log: a.log });
  return { token, userId, http, auth: { authorization: `Bearer ${token}` }, graph: a.endpoints.instagramGraph };
}

async function permalinkOf(http: PlatformClient, graph: string, mediaId: string, auth: Record<string, string>) {
  const media = await http.request<{ permalink?: string }>(`${graph}/${encodeURIComponent(mediaId)}?fields=permalink`, { headers: auth });
  return { platformId: mediaId, url: media.body.permalink ?? null };
}

export const instagramAdapter: PlatformAdapter = {
  channel: "instagram_reels",
  schedulesNatively: false,
  async reconcile(a) {
    const { userId, http, auth, graph } = session(a);
    const state = a.record.platformState as IgState;
    if (state.mediaId) return permalinkOf(http, graph, state.mediaId, auth);
    // No container: nothing can have been published (media_publish needs one).
    if (!state.containerId) return null;
    const status = await containerStatus(http, graph, state.containerId, auth);
    if (status.code !== "PUBLISHED") return null;
    a.log("instagram: the container was already published by an earlier attempt; finding the post instead of publishing again");
    const found = await findPublished(http, graph, userId, auth, captionOf(a.request.caption, a.request.hashtags), state.publishRequestedAt ?? a.record.createdAt);
    if (!found) throw new PlatformError("instagram_reels", "IG_RECOVERY_PENDING", "the reel was published but does not appear in the account's media yet", true);
    await a.ledger.checkpoint(a.record.id, { mediaId: found });
    return permalinkOf(http, graph, found, auth);
  },
  async publish(a: AdapterContext) {
    const { token, userId, http, auth, graph } = session(a);
    const state: IgState = { ...(a.record.platformState as IgState) };
    const save = async (patch: IgState) => {
      Object.assign(state, patch);
      await a.ledger.checkpoint(a.record.id, patch as Record<string, unknown>);
    };
    const caption = captionOf(a.request.caption, a.request.hashtags);

    if (!state.mediaId && state.containerId) {
      const status = await containerStatus(http, graph, state.containerId, auth);
      if (status.code === "PUBLISHED") {
        a.log("instagram: the container was already published by an earlier attempt; finding the post instead of publishing again");
        const found = await findPublished(http, graph, userId, auth, caption, state.publishRequestedAt ?? a.record.createdAt);
        if (!found) throw new PlatformError("instagram_reels", "IG_RECOVERY_PENDING", "the reel was published but does not appear in the account's media yet", true);
        await save({ mediaId: found });
      } else if (status.code === "EXPIRED" || status.code === "ERROR") {
        a.log(`instagram: container ${state.containerId} is ${status.code}; starting over with a new one`);
        await save({ containerId: null, uploaded: false, publishRequestedAt: null });
      }
    }

    if (!state.mediaId) {
      if (!state.containerId) {
        const form = new URLSearchParams({ media_type: "REELS", upload_type: "resumable", caption, share_to_feed: String(a.request.settings.shareToFeed ?? true) });
        const res = await http.request<{ id: string }>(`${graph}/${encodeURIComponent(userId)}/media`, { method: "POST", headers: auth, body: form });
        await save({ containerId: res.body.id, uploaded: false });
        a.log(`instagram: container ${res.body.id} created`);
      }
      if (!state.uploaded) {
        const bytes = await readFile(a.file);
        await http.request(`${a.endpoints.instagramUpload}/${encodeURIComponent(state.containerId!)}`, {
          method: "POST",
          headers: { authorization: `OAuth ${token}`, offset: "0", file_size: String(bytes.length), "content-type": "application/octet-stream" },
          body: bytes,
        });
        await save({ uploaded: true });
        a.log(`instagram: uploaded ${bytes.length} bytes`);
      }
      await waitUntilFinished(http, graph, state.containerId!, auth, a);
      // Recorded before the call: if we crash before storing its answer, the retry knows to look, not post.
      await save({ publishRequestedAt: new Date().toISOString() });
      const pub = await http.request<{ id: string }>(`${graph}/${encodeURIComponent(userId)}/media_publish`, {
        method: "POST",
        headers: auth,
        body: new URLSearchParams({ creation_id: state.containerId! }),
      });
      await save({ mediaId: pub.body.id });
    }
    return permalinkOf(http, graph, state.mediaId!, auth);
  },
};

export const captionOf = (caption: string, hashtags: string[]) =>
  [caption.trim(), hashtags.map((h) => `#${h.replace(/^#/, "")}`).join(" ")].filter(Boolean).join("\n\n");

async function containerStatus(http: PlatformClient, graph: string, id: string, auth: Record<string, string>) {
  const res = await http.request<{ status_code?: string; status?: string }>(`${graph}/${encodeURIComponent(id)}?fields=status_code,status`, { headers: auth });
  return { code: res.body.status_code ?? "IN_PROGRESS", detail: res.body.status };
}

async function waitUntilFinished(http: PlatformClient, graph: string, id: string, auth: Record<string, string>, a: AdapterContext): Promise<void> {
  const deadline = Date.now() + a.timeoutMs;
  for (;;) {
    const s = await containerStatus(http, graph, id, auth);
    if (s.code === "FINISHED") return;
    if (s.code === "ERROR" || s.code === "EXPIRED") {
      throw new PlatformError("instagram_reels", `IG_CONTAINER_${s.code}`, `Instagram could not process the video: ${s.detail ?? s.code}`, false);
    }
    if (s.code === "PUBLISHED") return;
    if (Date.now() > deadline) throw new PlatformError("instagram_reels", "IG_PROCESSING_TIMEOUT", `the video was still processing after ${Math.round(a.timeoutMs / 1000)} s`, true);
    await sleep(a.pollMs, undefined, { signal: a.signal });
  }
}

async function findPublished(http: PlatformClient, graph: string, userId: string, auth: Record<string, string>, caption: string, since: string): Promise<string | undefined> {
  const res = await http.request<{ data?: { id: string; caption?: string; timestamp?: string }[] }>(
    `${graph}/${encodeURIComponent(userId)}/media?fields=id,caption,timestamp&limit=25`,
    { headers: auth },
  );
  const from = Date.parse(since) - 5 * 60_000;
  return res.body.data?.find((m) => (m.caption ?? "") === caption && Date.parse(m.timestamp ?? "") >= from)?.id;
}
