/**
 * A webhook receiver that does what a careful one does: verifies the HMAC signature (and its
 * timestamp's age), parses the multipart body, and treats a repeated Idempotency-Key as the same
 * delivery (answers again with the first result, acts once). Every signed POST is also kept in
 * `received` with its redelivery headers, and `holdAnswers` keeps answers back after acting (the
 * sender looks hung mid-request: how tests kill a worker there).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { nextId, startFakeServer, type FakeServer } from "./platform-http.js";

export interface Delivery {
  idempotencyKey: string;
  metadata: Record<string, any>;
  asset?: { filename: string; type: string; bytes: number };
  id: string;
}

export interface FakeWebhook extends FakeServer {
  url: string;
  secret: string;
  /** One per distinct Idempotency-Key: what the receiver acted on. */
  deliveries: Delivery[];
  /** Every POST that arrived, signature-valid or not. */
  attempts: number;
  /** Every signature-valid POST, in arrival order, with the headers a receiver dedupes by. */
  received: { idempotencyKey: string; redelivery: string | null; deliveryAttempt: string | null }[];
  /** Act on deliveries but hold their answers until release(). */
  holdAnswers: boolean;
  release(): void;
}

export async function startFakeWebhook(o: { secret?: string; toleranceSec?: number } = {}): Promise<FakeWebhook> {
  const secret = o.secret ?? "whsec_fake_0123456789abcdefghij";
  const deliveries: Delivery[] = [];
  const fake = {} as FakeWebhook;
  const server = await startFakeServer(async (r, reply) => {
    if (r.method !== "POST" || r.path !== "/hooks/genjed") return reply(404, { error: "not found" });
    fake.attempts++;
    const sig = String(r.req.headers["x-genjed-signature"] ?? "");
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
    if (!m) return reply(400, { error: "missing or malformed X-Genjed-Signature" });
    if (Math.abs(Date.now() / 1000 - Number(m[1])) > (o.toleranceSec ?? 300)) return reply(400, { error: "signature timestamp too old" });
    const expected = createHmac("sha256", secret).update(`${m[1]}.`).update(r.raw).digest();
    if (!timingSafeEqual(expected, Buffer.from(m[2], "hex"))) return reply(401, { error: "signature does not match" });
    const key = String(r.req.headers["idempotency-key"] ?? "");
    if (!key) return reply(400, { error: "Idempotency-Key header is required" });
    const header = (name: string) => (typeof r.req.headers[name] === "string" ? (r.req.headers[name] as string) : null);
    fake.received.push({ idempotencyKey: key, redelivery: header("x-genjed-redelivery"), deliveryAttempt: header("x-genjed-delivery-attempt") });
    const seen = deliveries.find((d) => d.idempotencyKey === key);
    if (seen) return reply(200, { id: seen.id, url: `https://cms.example.com/posts/${seen.id}`, duplicate: true });
    const parts = parseMultipart(r.raw, String(r.req.headers["content-type"] ?? ""));
    const meta = parts.find((p) => p.name === "metadata");
    if (!meta) return reply(400, { error: "metadata part missing" });
    const asset = parts.find((p) => p.name === "asset");
    const d: Delivery = {
      idempotencyKey: key,
      metadata: JSON.parse(meta.data.toString("utf8")),
      ...(asset ? { asset: { filename: asset.filename ?? "", type: asset.type ?? "", bytes: asset.data.length } } : {}),
      id: nextId("post_"),
    };
    deliveries.push(d);
    if (fake.holdAnswers) await new Promise<void>((resolve) => held.push(resolve));
    return reply(200, { id: d.id, url: `https://cms.example.com/posts/${d.id}` });
  });
  const held: (() => void)[] = [];
  const close = server.close;
  Object.assign(fake, server, {
    url: `${server.origin}/hooks/genjed`,
    secret,
    deliveries,
    attempts: 0,
    received: [],
    holdAnswers: false,
    release() {
      for (const r of held.splice(0)) r();
    },
    close() {
      fake.release();
      return close();
    },
  });
  return fake;
}

interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer;
}

function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) return [];
  const sep = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(sep);
  while (at >= 0) {
    const next = body.indexOf(sep, at + sep.length);
    if (next < 0) break;
    const chunk = body.subarray(at + sep.length + 2, next - 2); // skip CRLF after the boundary and before the next
    const headEnd = chunk.indexOf("\r\n\r\n");
    const head = chunk.subarray(0, headEnd).toString("utf8");
    const name = /name="([^"]+)"/.exec(head)?.[1] ?? "";
    parts.push({ name, filename: /filename="([^"]+)"/.exec(head)?.[1], type: /content-type:\s*(.+)/i.exec(head)?.[1]?.trim(), data: chunk.subarray(headEnd + 4) });
    at = next;
  }
  return parts;
}
