/**
 * Webhook signing secrets at rest: sealed with the secrets key and bound to their trigger, never
 * stored as text; deliveries still verify; an altered row or a missing key refuses every delivery.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTriggerBodySchema } from "../../schemas/triggers.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, savedGraph, triggerTestEnv } from "../../test/triggers.js";
import { SecretDecryptError } from "../secrets/secret-box.js";
import type { TriggerEnv } from "./env.js";
import { createTrigger, getTrigger, rotateSecret } from "./store.js";
import { receiveWebhook, signWebhook } from "./webhook.js";
import { openWebhookSecret, sealPlainWebhookSecrets, WebhookSecretsUnavailableError } from "./webhook-secret.js";
import { systemScope } from "../../lib/scope.js";

let db: TestDatabase;
const key = randomBytes(32);
const clock = new FakeClock("2025-06-02T08:00:00Z");
const logs: string[] = [];
let env: TriggerEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  env = triggerTestEnv(db, testRegistry(), clock, { secretKey: key, log: (m) => logs.push(m) });
});
afterAll(async () => {
  await db?.drop();
});

const webhookBody = CreateTriggerBodySchema.parse({ kind: "webhook", overlap: "allow" });

async function newWebhook(e: TriggerEnv = env) {
  const { graphId } = await savedGraph(db, graph([{ id: "a", type: "test.const", config: { value: 1 } }]));
  const t = (await createTrigger(e, graphId, webhookBody, systemScope("test")))!;
  return { id: t.id, secret: t.secret!, view: t };
}

/** A delivery signed now with `secret` (the empty body maps nothing; the graph runs as saved). */
function deliver(id: string, secret: string, body = `{"n":${Math.random()}}`) {
  return receiveWebhook(env, id, Buffer.from(body), signWebhook(secret, body, Math.floor(clock.now().getTime() / 1000)));
}

const count = async (table: "runs" | "trigger_fires", triggerId: string) =>
  table === "runs"
    ? (await db.sql<{ n: number }[]>`select count(*)::int as n from runs where trigger->>'triggerId' = ${triggerId}`)[0].n
    : (await db.sql<{ n: number }[]>`select count(*)::int as n from trigger_fires where trigger_id = ${triggerId}`)[0].n;

/** Every column of the stored row as text (bytes in every encoding someone might grep for). */
async function storedRowText(id: string): Promise<string> {
  const [row] = await db.sql<Record<string, unknown>[]>`select * from triggers where id = ${id}`;
  return Object.values(row)
    .map((v) => (Buffer.isBuffer(v) ? [v.toString("utf8"), v.toString("latin1"), v.toString("hex"), v.toString("base64"), v.toString("base64url")].join(" ") : JSON.stringify(v)))
    .join("\n");
}

describe("webhook secrets at rest", () => {
  it("are stored sealed: no column holds the secret, only its last four characters as a hint; deliveries still verify", async () => {
    const { id, secret, view } = await newWebhook();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const text = await storedRowText(id);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice("whsec_".length, -4));
    const [row] = await db.sql`select secret, secret_last4, length(secret_ciphertext) as n from triggers where id = ${id}`;
    expect(row).toEqual({ secret: null, secret_last4: secret.slice(-4), n: secret.length });
    expect(view.webhook).toEqual({ path: `/hooks/${id}`, secretHint: `whsec_…${secret.slice(-4)}` });

    const r = await deliver(id, secret);
    expect(r).toMatchObject({ kind: "accepted", outcome: { status: "started", runId: expect.any(String) } });
    expect(await count("runs", id)).toBe(1);
  });

  it("open only with their key and for their own trigger", async () => {
    const a = await newWebhook();
    const b = await newWebhook();
    const rowA = (await getTrigger(env, a.id, systemScope("test")))!;
    expect(openWebhookSecret(key, rowA)).toBe(a.secret);
    expect(() => openWebhookSecret(randomBytes(32), rowA)).toThrow(SecretDecryptError);
    // A's sealed secret copied onto B: B's id is the authenticated data, so it does not open.
    const rowB = (await getTrigger(env, b.id, systemScope("test")))!;
    expect(() => openWebhookSecret(key, { ...rowB, secretCiphertext: rowA.secretCiphertext, secretIv: rowA.secretIv, secretTag: rowA.secretTag })).toThrow(SecretDecryptError);
  });

  it("a tampered row fails closed: every delivery is refused, nothing is recorded or started, until the secret is rotated", async () => {
    const { id, secret } = await newWebhook();
    const [{ c }] = await db.sql<{ c: Buffer }[]>`select secret_ciphertext as c from triggers where id = ${id}`;
    const flipped = Buffer.from(c);
    flipped[3] ^= 0x20;
    await db.sql`update triggers set secret_ciphertext = ${flipped} where id = ${id}`;
    logs.length = 0;
    expect(await deliver(id, secret)).toEqual({ kind: "unauthorized", reason: "the signature cannot be verified for this trigger" });
    expect(logs.join("\n")).toMatch(new RegExp(`webhook trigger ${id}: its signing secret cannot be decrypted .*rotates the secret`));
    expect(logs.join("\n")).not.toContain(secret);

    // Another trigger's sealed secret moved onto this row: refused too, with either trigger's secret.
    const other = await newWebhook();
    await db.sql`update triggers t set secret_ciphertext = o.secret_ciphertext, secret_iv = o.secret_iv, secret_tag = o.secret_tag
                 from triggers o where t.id = ${id} and o.id = ${other.id}`;
    expect((await deliver(id, other.secret)).kind).toBe("unauthorized");
    // Half a sealed secret (the tag gone) is not "no secret": still refused, not treated as unknown.
    await db.sql`update triggers set secret_tag = null where id = ${id}`;
    expect((await deliver(id, secret)).kind).toBe("unauthorized");
    expect(await count("trigger_fires", id)).toBe(0);
    expect(await count("runs", id)).toBe(0);

    const rotated = (await rotateSecret(env, id, systemScope("test")))!;
    expect(rotated.secret).not.toBe(secret);
    expect((await deliver(id, rotated.secret!)).kind).toBe("accepted");
  });

  it("need the secrets key: without it nothing is created or rotated, and deliveries are unavailable", async () => {
    const keyless = triggerTestEnv(db, testRegistry(), clock);
    const { graphId } = await savedGraph(db, graph([{ id: "a", type: "test.const" }]));
    const before = (await db.sql<{ n: number }[]>`select count(*)::int as n from triggers`)[0].n;
    await expect(createTrigger(keyless, graphId, webhookBody, systemScope("test"))).rejects.toBeInstanceOf(WebhookSecretsUnavailableError);
    expect((await db.sql<{ n: number }[]>`select count(*)::int as n from triggers`)[0].n).toBe(before);
    // Triggers of other kinds need no key.
    expect(await createTrigger(keyless, graphId, CreateTriggerBodySchema.parse({ kind: "cron", config: { expression: "@daily" } }), systemScope("test"))).not.toBeNull();

    const { id, secret } = await newWebhook();
    await expect(rotateSecret(keyless, id, systemScope("test"))).rejects.toBeInstanceOf(WebhookSecretsUnavailableError);
    const body = "{}";
    expect(await receiveWebhook(keyless, id, Buffer.from(body), signWebhook(secret, body, Math.floor(clock.now().getTime() / 1000)))).toEqual({ kind: "unavailable" });
    expect(await count("trigger_fires", id)).toBe(0);
  });

  it("stored as plain text by an earlier version are sealed at start and keep working", async () => {
    const { id } = await newWebhook();
    const legacy = `whsec_${randomBytes(32).toString("base64url")}`;
    await db.sql`update triggers set secret = ${legacy}, secret_ciphertext = null, secret_iv = null, secret_tag = null, secret_last4 = null where id = ${id}`;

    expect(await sealPlainWebhookSecrets(db.sql, key)).toBe(1);
    expect(await storedRowText(id)).not.toContain(legacy);
    expect((await getTrigger(env, id, systemScope("test")))!).toMatchObject({ plainSecret: null, secretLast4: legacy.slice(-4) });
    expect((await deliver(id, legacy)).kind).toBe("accepted");
    expect(await sealPlainWebhookSecrets(db.sql, key)).toBe(0);
  });
});
