/**
 * POST /hooks/:triggerId through the real app: a good signature starts one run with the body
 * mapped into the real asset source; bad, stale or replayed signatures and bad bodies start nothing.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { waitForRun } from "../../engine/runs.js";
import { signWebhook } from "../../services/triggers/webhook.js";
import { assetSource } from "../../nodes/asset-source/definition.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { demoProduct, savedGraph } from "../../test/triggers.js";
import { signedInOwner, type Requester } from "../../test/auth.js";
import { authSettings } from "../auth/settings.js";
import { createApp } from "../app.js";
import { hookRoutes } from "./hooks.js";
import { graphTriggerRoutes, triggerRoutes } from "./triggers.js";

let engine: TestEngine;
let hub: RunEventHub;
/** Deliveries go to the app as they come from the internet: no session, no token. */
let app: Requester;
/** The trigger API, signed in as an owner. */
let owner: Requester;
let mediaRoot: string;
/** The server's secrets key: webhook signing secrets are sealed with it. */
const secretKey = randomBytes(32);

beforeAll(async () => {
  engine = await startTestEngine(testRegistry().register(assetSource));
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-media-"));
  app = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot, auth: authSettings({ secretKey }) }, [graphTriggerRoutes, triggerRoutes, hookRoutes]);
  owner = await signedInOwner(app, engine.db.sql);
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  await rm(mediaRoot, { recursive: true, force: true });
});

const post = (url: string, body: unknown) => owner.request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function webhook(extra: Record<string, unknown> = {}) {
  const { graphId } = await savedGraph(engine.db, graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]));
  const res = await post(`/api/graphs/${graphId}/triggers`, { kind: "webhook", overlap: "allow", ...extra });
  expect(res.status).toBe(201);
  const t = await res.json();
  return { id: t.id as string, secret: t.secret as string, graphId };
}

function deliver(id: string, body: string, header?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (header !== undefined) headers["X-Genjed-Signature"] = header;
  return app.request(`/hooks/${id}`, { method: "POST", headers, body });
}
const nowSeconds = () => Math.floor(Date.now() / 1000);
const runCount = async (triggerId: string) => Number((await engine.db.sql`select count(*)::int as n from runs where trigger->>'triggerId' = ${triggerId}`)[0].n);
const fireCount = async (triggerId: string) => Number((await engine.db.sql`select count(*)::int as n from trigger_fires where trigger_id = ${triggerId}`)[0].n);

describe("POST /hooks/:triggerId", () => {
  it("a good signature starts one run with the body's products in the asset source (202 with the run id)", async () => {
    const { id, secret } = await webhook();
    const body = JSON.stringify({ products: [demoProduct("alpha", 10), demoProduct("beta", 20)] });
    const header = signWebhook(secret, body, nowSeconds());
    const res = await deliver(id, body, header);
    expect(res.status).toBe(202);
    const accepted = await res.json();
    expect(accepted).toMatchObject({ status: "started", runId: expect.any(String), fireId: expect.any(String) });
    const run = await waitForRun(engine.db.sql, accepted.runId);
    expect(run.status).toBe("succeeded");
    const out = (await nodeOutput(engine, run.id, "c")) as { out: { id: string; price: number }[] };
    expect(out.out.map((p) => [p.id, p.price])).toEqual([["alpha", 10], ["beta", 20]]);
    expect(await runCount(id)).toBe(1);

    // The very same delivery again is a replay: refused, nothing started.
    const replay = await deliver(id, body, header);
    expect(replay.status).toBe(409);
    expect((await replay.json()).error.code).toBe("REPLAYED");
    expect(await runCount(id)).toBe(1);

    const fires = await (await owner.request(`/api/triggers/${id}/fires`)).json();
    expect(fires).toEqual([expect.objectContaining({ status: "started", runId: accepted.runId, runStatus: "succeeded" })]);
  });

  it("bad, missing or stale signatures answer 401 and start nothing", async () => {
    const { id, secret } = await webhook();
    const body = JSON.stringify({ products: [demoProduct("alpha")] });
    const cases = [
      [signWebhook("whsec_wrong", body, nowSeconds()), /does not match/],
      [undefined, /missing X-Genjed-Signature/],
      ["sha256=deadbeef", /must look like t=/],
      [signWebhook(secret, body, nowSeconds() - 600), /away from the server's clock \(tolerance 300 s\)/],
      [signWebhook(secret, `${body} `, nowSeconds()), /does not match/],
    ] as const;
    for (const [header, message] of cases) {
      const res = await deliver(id, body, header);
      expect(res.status, String(header)).toBe(401);
      expect((await res.json()).error).toMatchObject({ code: "INVALID_SIGNATURE", message: expect.stringMatching(message) });
    }
    expect(await runCount(id)).toBe(0);
    expect(await fireCount(id)).toBe(0);
  });

  it("the stored row never holds the secret, and a tampered row answers 401 and starts nothing", async () => {
    const { id, secret } = await webhook();
    const [row] = await engine.db.sql<Record<string, unknown>[]>`select * from triggers where id = ${id}`;
    const stored = Object.values(row).map((v) => (Buffer.isBuffer(v) ? `${v.toString("latin1")} ${v.toString("hex")} ${v.toString("base64")}` : JSON.stringify(v)));
    expect(stored.join("\n")).not.toContain(secret.slice("whsec_".length));
    expect(row.secret).toBeNull();

    const [{ tag }] = await engine.db.sql<{ tag: Buffer }[]>`select secret_tag as tag from triggers where id = ${id}`;
    const altered = Buffer.from(tag);
    altered[0] ^= 1;
    await engine.db.sql`update triggers set secret_tag = ${altered} where id = ${id}`;
    const body = JSON.stringify({ products: [demoProduct("alpha")] });
    const res = await deliver(id, body, signWebhook(secret, body, nowSeconds()));
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "INVALID_SIGNATURE" });
    expect(text).not.toContain(secret);
    expect(await runCount(id)).toBe(0);
    expect(await fireCount(id)).toBe(0);

    // Rotating writes a fresh sealed secret: deliveries signed with it are accepted again.
    const rotated = await (await post(`/api/triggers/${id}/secret`, {})).json();
    const again = await deliver(id, body, signWebhook(rotated.secret, body, nowSeconds()));
    expect(again.status).toBe(202);
  });

  it("a server without a secrets key answers 503 to webhook creation and deliveries, and starts nothing", async () => {
    const keyless = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot }, [graphTriggerRoutes, triggerRoutes, hookRoutes]);
    const keylessOwner = await signedInOwner(keyless, engine.db.sql);
    const { graphId } = await savedGraph(engine.db, graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]));
    const create = await keylessOwner.request(`/api/graphs/${graphId}/triggers`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "webhook" }) });
    expect(create.status).toBe(503);
    expect((await create.json()).error).toMatchObject({ code: "SECRETS_UNAVAILABLE", message: expect.stringMatching(/without a secrets key/) });

    const { id, secret } = await webhook();
    const body = JSON.stringify({ products: [demoProduct("alpha")] });
    const res = await keyless.request(`/hooks/${id}`, { method: "POST", headers: { "content-type": "application/json", "X-Genjed-Signature": signWebhook(secret, body, nowSeconds()) }, body });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("SECRETS_UNAVAILABLE");
    expect(await fireCount(id)).toBe(0);
  });

  it("bad bodies answer 400 naming the field and start nothing", async () => {
    const { id, secret } = await webhook();
    const send = (body: string) => deliver(id, body, signWebhook(secret, body, nowSeconds()));

    const badPrice = await send(JSON.stringify({ products: [demoProduct("a"), { ...demoProduct("b"), price: "lots" }] }));
    expect(badPrice.status).toBe(400);
    const e1 = (await badPrice.json()).error;
    expect(e1).toMatchObject({ code: "INVALID_BODY", details: { field: "products.1.price" } });
    expect(e1.message).toMatch(/^products\.1\.price: expected a number, got "lots"/);

    const missing = await send(JSON.stringify({ items: [] }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatchObject({ details: { field: "products" }, message: expect.stringMatching(/products: required/) });

    const notJson = await send("{products: nope");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toMatch(/not valid JSON/);

    // PostgreSQL refuses U+0000 in text and jsonb: refused here, naming the field, not a 500 at insert.
    const nul = await send(JSON.stringify({ products: [{ ...demoProduct("a"), name: "bad\u0000name" }] }));
    expect(nul.status).toBe(400);
    expect((await nul.json()).error).toMatchObject({ code: "INVALID_BODY", details: { field: "products.0.name" } });
    const surrogate = await send(`{"products":[{"id":"a","name":"\\ud800","price":1}]}`);
    expect(surrogate.status).toBe(400);
    expect((await surrogate.json()).error.details.field).toBe("products.0.name");

    expect(await runCount(id)).toBe(0);
    expect(await fireCount(id)).toBe(0);
  });

  it("a paused trigger answers 409; unknown triggers and non-webhook triggers 404", async () => {
    const { id, secret } = await webhook();
    await owner.request(`/api/triggers/${id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ enabled: false }) });
    const body = JSON.stringify({ products: [demoProduct("a")] });
    const paused = await deliver(id, body, signWebhook(secret, body, nowSeconds()));
    expect(paused.status).toBe(409);
    expect((await paused.json()).error.code).toBe("TRIGGER_PAUSED");
    expect(await runCount(id)).toBe(0);

    expect((await deliver("00000000-0000-4000-8000-000000000000", body, signWebhook(secret, body, nowSeconds()))).status).toBe(404);
    expect((await deliver("not-a-uuid", body, "t=1,v1=00")).status).toBe(404);
    const { graphId } = await webhook();
    const cron = await (await post(`/api/graphs/${graphId}/triggers`, { kind: "cron", config: { expression: "@hourly" } })).json();
    expect((await deliver(cron.id, body, signWebhook(secret, body, nowSeconds()))).status).toBe(404);
  });

  it("with the skip overlap policy a delivery during a running run is accepted but skipped", async () => {
    const { id, secret } = await webhook({ overlap: "skip" });
    // Hold the first run open: a pending run row for this trigger, as a slow run would be.
    const [g] = await engine.db.sql`select graph_id from triggers where id = ${id}`;
    const [fake] = await engine.db.sql`insert into runs (graph_id, name, document, plan, status, trigger) values (${g.graph_id}, 'slow', '{}'::jsonb, '{}'::jsonb, 'running', '{}'::jsonb) returning id`;
    await engine.db.sql`insert into trigger_fires (trigger_id, dedupe_key, status, fired_at, run_id) values (${id}, 'earlier', 'started', now(), ${fake.id})`;
    const body = JSON.stringify({ products: [demoProduct("a")] });
    const res = await deliver(id, body, signWebhook(secret, body, nowSeconds()));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "skipped", runId: null, reason: `previous run ${fake.id} is still running (overlap policy: skip)` });
  });
});
