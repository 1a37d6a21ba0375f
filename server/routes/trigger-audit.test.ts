/**
 * The audit trail of triggers, read back through GET /api/audit as an owner: who created, changed,
 * rotated and deleted which trigger, and every run a trigger fire started (actor `trigger:<id>`),
 * in the run's own workspace.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { createGraph, createVersion } from "../../services/graphs.js";
import { TriggerScheduler } from "../../services/triggers/scheduler.js";
import { signWebhook } from "../../services/triggers/webhook.js";
import { assetSource } from "../../nodes/asset-source/definition.js";
import type { GraphDocument } from "../../schemas/index.js";
import { asSession, createMember, createTestWorkspace, defaultWorkspaceId, sessionFor, signedInOwner, type Requester } from "../../test/auth.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { demoProduct, FakeClock, savedGraph } from "../../test/triggers.js";
import { createApp } from "../app.js";
import type { AuditEntry } from "../auth/audit.js";
import { authSettings } from "../auth/settings.js";
import type { ServerDeps } from "../deps.js";
import { hookRoutes } from "./hooks.js";
import { graphTriggerRoutes, triggerRoutes } from "./triggers.js";
import { triggerEnv } from "../trigger-context.js";
import { systemScope } from "../../lib/scope.js";

let engine: TestEngine;
let hub: RunEventHub;
let deps: ServerDeps;
let raw: Requester;
let owner: Requester & { session: { user: { id: string; email: string } } };

beforeAll(async () => {
  // No workers: the runs triggers start stay queued, which is all the audit needs.
  engine = await startTestEngine(testRegistry().register(assetSource), { workers: 0 });
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  deps = { database: engine.db, registry: engine.registry, hub, mediaRoot: "/nonexistent", auth: authSettings({ secretKey: randomBytes(32) }) };
  raw = createApp(deps, [graphTriggerRoutes, triggerRoutes, hookRoutes]);
  owner = await signedInOwner(raw, engine.db.sql);
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
});

const send = (who: Requester, method: string, url: string, body?: unknown) =>
  who.request(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

async function audit(who: Requester, action: string): Promise<AuditEntry[]> {
  const res = await who.request(`/api/audit?action=${action}`);
  expect(res.status).toBe(200);
  return res.json();
}

const withAssets = () => savedGraph(engine.db, graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]));

describe("trigger audit", () => {
  it("records who created, changed, rotated and deleted a trigger, never its secret", async () => {
    const { graphId } = await withAssets();
    const ws = await defaultWorkspaceId(engine.db.sql);
    const cron = await (await send(owner, "POST", `/api/graphs/${graphId}/triggers`, { kind: "cron", name: "Mornings", config: { expression: "@daily" } })).json();
    expect((await send(owner, "PATCH", `/api/triggers/${cron.id}`, { enabled: false, name: "Mornings (paused)" })).status).toBe(200);
    const hook = await (await send(owner, "POST", `/api/graphs/${graphId}/triggers`, { kind: "webhook" })).json();
    const rotated = await (await send(owner, "POST", `/api/triggers/${hook.id}/secret`)).json();
    expect((await send(owner, "DELETE", `/api/triggers/${cron.id}`)).status).toBe(204);

    const entries = (await audit(owner, "trigger")).filter((e) => e.target === cron.id || e.target === hook.id).reverse();
    const by = { workspaceId: ws, userId: owner.session.user.id, actor: owner.session.user.email };
    expect(entries).toEqual([
      expect.objectContaining({ ...by, action: "trigger.create", target: cron.id, details: { graphId, kind: "cron", name: "Mornings", enabled: true } }),
      expect.objectContaining({ ...by, action: "trigger.update", target: cron.id, details: { graphId, kind: "cron", name: "Mornings (paused)", fields: ["name", "enabled"], enabled: false } }),
      expect.objectContaining({ ...by, action: "trigger.create", target: hook.id, details: { graphId, kind: "webhook", name: "Webhook", enabled: true } }),
      expect.objectContaining({ ...by, action: "trigger.rotate_secret", target: hook.id, details: { graphId, kind: "webhook", name: "Webhook" } }),
      expect.objectContaining({ ...by, action: "trigger.delete", target: cron.id, details: { graphId, kind: "cron", name: "Mornings (paused)" } }),
    ]);
    const everything = await (await owner.request("/api/audit?limit=1000")).text();
    expect(everything).not.toContain(hook.secret);
    expect(everything).not.toContain(rotated.secret);
  });

  it("records a run started by a webhook delivery as run.start by trigger:<id> in the run's workspace", async () => {
    const { graphId } = await withAssets();
    const hook = await (await send(owner, "POST", `/api/graphs/${graphId}/triggers`, { kind: "webhook", overlap: "allow" })).json();
    const body = JSON.stringify({ products: [demoProduct("alpha")] });
    const res = await raw.request(`/hooks/${hook.id}`, { method: "POST", headers: { "X-Genjed-Signature": signWebhook(hook.secret, body, Math.floor(Date.now() / 1000)) }, body });
    expect(res.status).toBe(202);
    const { runId, fireId } = await res.json();

    const starts = (await audit(owner, "run.start")).filter((e) => e.target === runId);
    expect(starts).toEqual([
      expect.objectContaining({
        workspaceId: await defaultWorkspaceId(engine.db.sql),
        userId: null,
        actor: `trigger:${hook.id}`,
        action: "run.start",
        details: expect.objectContaining({ graphId, trigger: expect.objectContaining({ id: hook.id, kind: "webhook", fireId }) }),
      }),
    ]);
  });

  it("records scheduled runs in the workspace of the trigger's graph, visible to its owners only", async () => {
    // A graph of another workspace, with a cron trigger fired by the scheduler (the same env `genjed start` uses).
    const elsewhere = await createTestWorkspace(engine.db.sql);
    const theirOwner = asSession(raw, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "owner", { workspaceId: elsewhere })));
    const g = await createGraph(engine.db, { document: graph([{ id: "a", type: "test.const", config: { value: 1 } }]) as GraphDocument, workspaceId: elsewhere });
    const v = (await createVersion(engine.db, g.id, g.document, systemScope("test"), "v1"))!;
    const t = await (await send(theirOwner, "POST", `/api/graphs/${g.id}/triggers`, { kind: "cron", config: { expression: "*/5 * * * *", timezone: "UTC" } })).json();

    const clock = new FakeClock(new Date(new Date(t.nextFireAt).getTime() + 1000));
    await new TriggerScheduler(triggerEnv(deps, clock.now)).tick();
    const [fire] = await engine.db.sql<{ runId: string; id: string }[]>`select run_id as "runId", id from trigger_fires where trigger_id = ${t.id}`;
    expect(fire.runId).toEqual(expect.any(String));

    const theirs = (await audit(theirOwner, "run.start")).filter((e) => e.target === fire.runId);
    expect(theirs).toEqual([
      expect.objectContaining({
        workspaceId: elsewhere,
        actor: `trigger:${t.id}`,
        details: expect.objectContaining({ graphId: g.id, versionId: v.id, trigger: expect.objectContaining({ kind: "cron", fireId: fire.id, scheduledFor: t.nextFireAt }) }),
      }),
    ]);
    // Not in the default workspace's trail, and not for an editor of the workspace either.
    expect((await audit(owner, "run.start")).some((e) => e.target === fire.runId)).toBe(false);
    const editor = asSession(raw, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "editor", { workspaceId: elsewhere })));
    expect((await editor.request("/api/audit", { headers: { "x-genjed-workspace": elsewhere } })).status).toBe(403);
  });
});
