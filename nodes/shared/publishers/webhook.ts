/**
 * Webhook: POST the asset and its metadata to a URL as multipart/form-data ("metadata" JSON part,
 * "asset" file part), signed with HMAC-SHA256 the way Stripe signs its webhooks:
 *   X-Genjed-Signature: t=<unix seconds>,v1=<hex HMAC of "<t>.<raw body>">
 *
 * Delivery is at-least-once with a dedupe key, like every serious webhook sender: we cannot ask a
 * receiver whether it acted, so an attempt that finds the record claimed by an earlier one (a
 * crash or timeout while the POST was in flight) delivers again, with the same Idempotency-Key
 * (run:node:item:channel) and `X-Genjed-Redelivery: 1` plus `X-Genjed-Delivery-Attempt: <n>`
 * (also `redelivery` and `deliveryAttempt` in the signed metadata). A receiver that saw the key
 * answers without acting twice.
 */
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { guardedFetch } from "../../../lib/net/index.js";
import { PlatformClient, PlatformError, retryableStatus, type ErrorShape } from "./http.js";
import { requireSecret, type AdapterContext, type PlatformAdapter } from "./types.js";

export const SIGNATURE_HEADER = "x-genjed-signature";
export const REDELIVERY_HEADER = "x-genjed-redelivery";
export const DELIVERY_ATTEMPT_HEADER = "x-genjed-delivery-attempt";

export function signWebhook(secret: string, timestamp: number, body: Buffer): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

function describeWebhookError(status: number, body: unknown): ErrorShape {
  const detail = typeof body === "string" ? body.slice(0, 200) : body && typeof body === "object" ? JSON.stringify(body).slice(0, 200) : "";
  return { code: `WEBHOOK_HTTP_${status}`, message: `the webhook answered HTTP ${status}${detail ? `: ${detail}` : ""}`, retryable: retryableStatus(status), rateLimited: status === 429 };
}

export const webhookAdapter: PlatformAdapter = {
  channel: "webhook",
  schedulesNatively: false,
  async publish(a: AdapterContext) {
    const url = a.request.settings.url as string | undefined;
    if (a.delivery > 1) a.log(`webhook: delivering again (attempt ${a.delivery}) with the same Idempotency-Key; an earlier delivery may have arrived`);
    if (!url) throw new PlatformError("webhook", "WEBHOOK_NO_URL", "webhook.url is not set in the node config", false);
    const secret = requireSecret(a.secrets, String(a.request.settings.secretName ?? "WEBHOOK_SECRET"), "webhook");
    const { media } = a.request;
    const metadata = {
      event: "publication.created",
      idempotencyKey: a.record.idempotencyKey,
      publicationId: a.record.id,
      deliveryAttempt: a.delivery,
      redelivery: a.delivery > 1,
      caption: a.request.caption,
      hashtags: a.request.hashtags,
      title: a.request.title,
      product: a.request.product ?? null,
      scheduledAt: a.request.scheduleAt,
      format: a.request.format,
      asset: { hash: media.hash, mime: media.mime, size: media.size, url: `${a.endpoints.publicUrl}${media.url}` },
    };
    const includeFile = a.request.settings.includeFile !== false;
    const boundary = `genjed-${media.hash.slice(0, 24)}`;
    const parts: Buffer[] = [
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="metadata"\r\ncontent-type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`),
    ];
    if (includeFile) {
      parts.push(
        Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="asset"; filename="${media.hash}${path.extname(a.file) || ".mp4"}"\r\ncontent-type: ${media.mime}\r\n\r\n`),
        await readFile(a.file),
        Buffer.from("\r\n"),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const body = Buffer.concat(parts);
    // The target is user-supplied: it goes through the outbound guard (public addresses, or GENJED_OUTBOUND_ALLOW).
    const http = new PlatformClient({ channel: "webhook", describeError: describeWebhookError, signal: a.signal, log: a.log, fetch: guardedFetch("webhook.url") });
    const res = await http.request<{ id?: string; url?: string } | null>(url, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "idempotency-key": a.record.idempotencyKey,
        [DELIVERY_ATTEMPT_HEADER]: String(a.delivery),
        ...(a.delivery > 1 ? { [REDELIVERY_HEADER]: "1" } : {}),
        [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), body),
        "user-agent": "genjed-studio-webhook/1",
      },
      body,
    });
    const reply = res.body && typeof res.body === "object" ? res.body : null;
    return { platformId: String(reply?.id ?? a.record.idempotencyKey), url: typeof reply?.url === "string" ? reply.url : null };
  },
};
