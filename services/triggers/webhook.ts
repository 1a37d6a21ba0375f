/**
 * Webhook triggers: `POST /hooks/:triggerId` with `X-Genjed-Signature: t=<unix seconds>,v1=<hex>`,
 * where hex = HMAC-SHA256(secret, "<t>.<raw body>"). The timestamp is signed too, so an old
 * delivery cannot be re-dated; within the tolerance, a signature is accepted once (replays refused
 * by the fires table's unique key). Nothing is recorded or started unless the signature is good and
 * the body maps onto a graph that compiles.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookConfig } from "../../schemas/triggers.js";
import type { CompileError } from "../../schemas/index.js";
import { parseJsonText } from "../../lib/files/index.js";
import { dotPath, unsafeValueIn } from "../../schemas/text.js";
import { SecretDecryptError } from "../secrets/secret-box.js";
import type { TriggerEnv } from "./env.js";
import { dispatchFire, insertFire, PermanentStartError, resolveVersion, type DispatchOutcome } from "./fires.js";
import { checkPayload, GraphInvalidError, mapPayload, mergeOverrides, PayloadError, type Overrides } from "./inputs.js";
import { getTrigger } from "./store.js";
import { systemScope } from "../../lib/scope.js";
import { openWebhookSecret } from "./webhook-secret.js";

export const SIGNATURE_HEADER = "X-Genjed-Signature";

const hmac = (secret: string, timestamp: number, body: Buffer | string) =>
  createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");

/** The header value a sender puts on a delivery (our tests and docs use it; so can any client). */
export function signWebhook(secret: string, body: Buffer | string, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

export type SignatureCheck = { ok: true; signature: string } | { ok: false; reason: string };

export function verifySignature(header: string | undefined, body: Buffer, secret: string, now: Date, toleranceSeconds: number): SignatureCheck {
  if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const given = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/i.test(given)) return { ok: false, reason: `${SIGNATURE_HEADER} must look like t=<unix seconds>,v1=<64 hex digits>` };
  const skew = Math.abs(now.getTime() / 1000 - t);
  if (skew > toleranceSeconds) return { ok: false, reason: `signature timestamp is ${Math.round(skew)} s away from the server's clock (tolerance ${toleranceSeconds} s)` };
  const expected = Buffer.from(hmac(secret, t, body), "hex");
  if (!timingSafeEqual(expected, Buffer.from(given, "hex"))) return { ok: false, reason: "signature does not match the body" };
  return { ok: true, signature: given.toLowerCase() };
}

export type WebhookOutcome =
  | { kind: "not-found" }
  | { kind: "unauthorized"; reason: string }
  /** The server has no secrets key, so it cannot check any signature. */
  | { kind: "unavailable" }
  | { kind: "paused" }
  | { kind: "replayed" }
  | { kind: "bad-body"; field: string; message: string; errors: { field: string; message: string }[] }
  | { kind: "graph-invalid"; message: string; errors: CompileError[] }
  | { kind: "accepted"; fireId: string; outcome: DispatchOutcome };

export async function receiveWebhook(env: TriggerEnv, triggerId: string, rawBody: Buffer, signatureHeader: string | undefined): Promise<WebhookOutcome> {
  const trigger = await getTrigger(env, triggerId, systemScope("webhook: the signature is the credential"));
  if (!trigger || trigger.kind !== "webhook") return { kind: "not-found" };
  if (!env.secretKey) return { kind: "unavailable" };
  let secret: string | null;
  try {
    secret = openWebhookSecret(env.secretKey, trigger);
  } catch (err) {
    if (!(err instanceof SecretDecryptError)) throw err;
    // Fail closed. The sender learns only that its signature was not accepted; the cause is for the operator.
    env.log?.(`webhook trigger ${trigger.id}: its signing secret cannot be decrypted (the secrets key changed, or the row was altered); deliveries are refused until an editor rotates the secret`);
    return { kind: "unauthorized", reason: "the signature cannot be verified for this trigger" };
  }
  if (!secret) return { kind: "not-found" };
  const config = trigger.config as WebhookConfig;
  const now = env.now();
  const check = verifySignature(signatureHeader, rawBody, secret, now, config.toleranceSeconds);
  if (!check.ok) return { kind: "unauthorized", reason: check.reason };
  if (!trigger.enabled) return { kind: "paused" };

  let body: unknown = {};
  const text = rawBody.toString("utf8");
  if (text.trim() !== "") {
    try {
      body = parseJsonText(text);
    } catch (err) {
      return { kind: "bad-body", field: "(body)", message: `the body is ${(err as Error).message}`, errors: [] };
    }
    // NUL, lone surrogates, overflowed numbers and deep nesting cannot be stored (PostgreSQL refuses NUL).
    const bad = unsafeValueIn(body);
    if (bad) return { kind: "bad-body", field: dotPath(bad.path), message: `${dotPath(bad.path)}: ${bad.message}`, errors: [] };
  }
  let overrides: Overrides;
  try {
    const version = await resolveVersion(env, trigger);
    overrides = mapPayload(body, config.mappings, version.document);
    checkPayload(version.document, mergeOverrides(trigger.overrides as Overrides, overrides), config.mappings, env.registry);
  } catch (err) {
    if (err instanceof PayloadError) return { kind: "bad-body", field: err.field, message: err.message, errors: err.errors };
    if (err instanceof GraphInvalidError) return { kind: "graph-invalid", message: err.message, errors: err.errors };
    if (err instanceof PermanentStartError) return { kind: "graph-invalid", message: err.message, errors: [] };
    throw err;
  }

  const fireId = await insertFire(env.database.sql, {
    triggerId: trigger.id,
    dedupeKey: `sig:${check.signature}`,
    status: "pending",
    firedAt: now,
    overrides,
    detail: { bytes: rawBody.length, fields: body && typeof body === "object" && !Array.isArray(body) ? Object.keys(body).slice(0, 20) : [] },
  });
  if (!fireId) return { kind: "replayed" };
  const outcome = (await dispatchFire(env, fireId)) ?? (await fireOutcome(env, fireId));
  return { kind: "accepted", fireId, outcome };
}

/** Another process dispatched the fire first: read what it decided. */
async function fireOutcome(env: TriggerEnv, fireId: string): Promise<DispatchOutcome> {
  const [f] = await env.database.sql<{ status: DispatchOutcome["status"]; runId: string | null; reason: string | null }[]>`
    select status, run_id as "runId", reason from trigger_fires where id = ${fireId}`;
  return f.runId ? { status: "started", runId: f.runId, reason: f.reason } : { status: f.status as "pending", runId: null, reason: f.reason };
}
