/** The trigger API through the real app: CRUD, validation naming fields, secrets shown once, fire history, cron preview. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { TriggerScheduler } from "../../services/triggers/scheduler.js";
import { assetSource } from "../../nodes/asset-source/definition.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, savedGraph, triggerTestEnv } from "../../test/triggers.js";
import { createMember, createTestWorkspace, sessionFor, asSession, signedInOwner, type Requester } from "../../test/auth.js";
import { authSettings } from "../auth/settings.js";
import { createApp } from "../app.js";
import { graphTriggerRoutes, triggerRoutes } from "./triggers.js";

let engine: TestEngine;
let hub: RunEventHub;
/** Signed in as an owner of the default workspace. */
let app: Requester;
let raw: Requester;
let mediaRoot: string;
/** The server's secrets key: webhook signing secrets are sealed with it. */
const secretKey = randomBytes(32);

beforeAll(async () => {
  engine = await startTestEngine(testRegistry().register(assetSource), { workers: 0 });
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-media-"));
  raw = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot, auth: authSettings({ secretKey }) }, [graphTriggerRoutes, triggerRoutes]);
  app = await signedInOwner(raw, engine.db.sql);
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  await rm(mediaRoot, { recursive: true, force: true });
});

const send = (method: string, url: string, body?: unknown) =>
  app.request(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const withAssets = () => savedGraph(engine.db, graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]));

describe("trigger API", () => {
  it("creates, lists, reads, pauses, edits and deletes a cron trigger, showing the schedule in words and its next times", async () => {
    const { graphId } = await withAssets();
    const created = await send("POST", `/api/graphs/${graphId}/triggers`, { kind: "cron", name: "Weekday mornings", config: { expression: "weekdays", timezone: "Europe/Copenhagen" } });
    expect(created.status).toBe(201);
    const t = await created.json();
    expect(t).toMatchObject({
      name: "Weekday mornings",
      kind: "cron",
      enabled: true,
      overlap: "skip",
      versionId: null,
      config: { expression: "0 9 * * 1-5", timezone: "Europe/Copenhagen", missedPolicy: "skip" },
      schedule: { description: "At 09:00, Monday through Friday" },
    });
    expect(t.schedule.next).toHaveLength(5);
    expect(t.schedule.next[0].local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) .* 09:00 /);
    expect(t.nextFireAt).toBe(t.schedule.next[0].at);

    expect((await (await send("GET", `/api/graphs/${graphId}/triggers`)).json()).map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect(await (await send("GET", `/api/triggers/${t.id}`)).json()).toMatchObject({ id: t.id, graphId });

    const paused = await (await send("PATCH", `/api/triggers/${t.id}`, { enabled: false })).json();
    expect(paused).toMatchObject({ enabled: false, nextFireAt: null, schedule: { next: [] } });
    const edited = await (await send("PATCH", `/api/triggers/${t.id}`, { enabled: true, config: { expression: "30 18 * * *", timezone: "UTC" }, overlap: "queue" })).json();
    expect(edited).toMatchObject({ enabled: true, overlap: "queue", config: { expression: "30 18 * * *" }, schedule: { description: "At 18:30" } });

    expect((await send("DELETE", `/api/triggers/${t.id}`)).status).toBe(204);
    expect((await send("GET", `/api/triggers/${t.id}`)).status).toBe(404);
    expect((await send("DELETE", `/api/triggers/${t.id}`)).status).toBe(404);
  });

  it("answers bad settings with 400 naming the field, unknown graphs and triggers with 404", async () => {
    const { graphId } = await withAssets();
    const { graphId: plain } = await savedGraph(engine.db, graph([{ id: "a", type: "test.const" }]));
    const cases: [string, unknown, string, RegExp][] = [
      [graphId, { kind: "cron", config: { expression: "61 * * * *" } }, "config.expression", /61/],
      [graphId, { kind: "cron", config: { expression: "0 0 9 * * *" } }, "config.expression", /expected 5 fields/],
      [graphId, { kind: "cron", config: { expression: "0 9 * * *", timezone: "Europe/Atlantis" } }, "config.timezone", /unknown time zone/],
      [graphId, { kind: "webhook", config: { mappings: [{ from: "items", nodeId: "nope" }] } }, "config.mappings.0.nodeId", /no node "nope"/],
      [plain, { kind: "condition", config: { feed: "inventory.csv" } }, "config.target", /no asset source/],
      [graphId, { kind: "condition", config: { feed: "f.json", intervalSeconds: 1 } }, "config.intervalSeconds", /10/],
      [graphId, { kind: "condition", config: { feed: "/etc/passwd" } }, "config.feed", /^config\.feed: "\/etc\/passwd" is not allowed: absolute paths are refused/],
      [graphId, { kind: "condition", config: { feed: "http://169.254.169.254/latest/meta-data/" } }, "config.feed", /169\.254\.169\.254 is a link-local address/],
      [graphId, { kind: "cron", versionId: "00000000-0000-4000-8000-000000000000", config: { expression: "@daily" } }, "versionId", /no version/],
    ];
    for (const [g, body, field, message] of cases) {
      const res = await send("POST", `/api/graphs/${g}/triggers`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = (await res.json()).error;
      expect(err.message, JSON.stringify(body)).toMatch(message);
      expect(err.details?.field ?? err.details?.issues?.[0]?.path, JSON.stringify(body)).toBe(field);
    }
    const badKind = await send("POST", `/api/graphs/${graphId}/triggers`, { kind: "sometimes" });
    expect(badKind.status).toBe(400);
    expect((await badKind.json()).error.message).toMatch(/kind/);
    expect((await send("POST", "/api/graphs/00000000-0000-4000-8000-000000000000/triggers", { kind: "cron", config: { expression: "@daily" } })).status).toBe(404);
    expect((await send("PATCH", "/api/triggers/00000000-0000-4000-8000-000000000000", { enabled: false })).status).toBe(404);
    const existing = await (await send("POST", `/api/graphs/${graphId}/triggers`, { kind: "cron", config: { expression: "@daily" } })).json();
    const unknownField = await send("PATCH", `/api/triggers/${existing.id}`, { kind: "webhook" });
    expect(unknownField.status).toBe(400);
    expect((await unknownField.json()).error.message).toMatch(/kind/);
    const badConfig = await send("PATCH", `/api/triggers/${existing.id}`, { config: { expression: "0 0 9 * * *" } });
    expect(badConfig.status).toBe(400);
    expect((await badConfig.json()).error.details.field).toBe("config.expression");
  });

  it("shows a webhook secret once at creation and after rotation, never in reads", async () => {
    const { graphId } = await withAssets();
    const t = await (await send("POST", `/api/graphs/${graphId}/triggers`, { kind: "webhook" })).json();
    expect(t.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(t.webhook).toEqual({ path: `/hooks/${t.id}`, secretHint: `whsec_…${t.secret.slice(-4)}` });
    expect(t.config.mappings).toEqual([{ from: "products", nodeId: "assets", field: "products", required: true }]);
    const reads = [await send("GET", `/api/triggers/${t.id}`), await send("GET", `/api/graphs/${graphId}/triggers`), await send("PATCH", `/api/triggers/${t.id}`, { name: "Shop orders" })];
    for (const r of reads) {
      const text = await r.text();
      expect(text).not.toContain(t.secret);
      expect(text).not.toContain('"secret"');
    }
    const rotated = await (await send("POST", `/api/triggers/${t.id}/secret`)).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(t.secret);
    const cron = await (await send("POST", `/api/graphs/${graphId}/triggers`, { kind: "cron", config: { expression: "@daily" } })).json();
    expect((await send("POST", `/api/triggers/${cron.id}/secret`)).status).toBe(409);
  });

  it("lists a trigger's fires with the run each started and why any was skipped", async () => {
    const { graphId } = await withAssets();
    const { graphId: g2 } = await savedGraph(engine.db, graph([{ id: "a", type: "test.const", config: { value: 1 } }]));
    const t = await (await send("POST", `/api/graphs/${g2}/triggers`, { kind: "cron", config: { expression: "*/5 * * * *" } })).json();
    // Fire it on a fake clock at its next two times: the first starts a run (no worker: it keeps running), the second is skipped.
    const first = new Date(t.nextFireAt);
    const clock = new FakeClock(new Date(first.getTime() + 1000));
    const scheduler = new TriggerScheduler(triggerTestEnv(engine.db, engine.registry, clock));
    await scheduler.tick();
    clock.advance(5 * 60_000);
    await scheduler.tick();
    const fires = await (await send("GET", `/api/triggers/${t.id}/fires`)).json();
    expect(fires).toHaveLength(2);
    expect(fires[1]).toMatchObject({ status: "started", runId: expect.any(String), runStatus: "running", scheduledFor: first.toISOString() });
    expect(fires[0]).toMatchObject({ status: "skipped", runId: null, reason: `previous run ${fires[1].runId} is still running (overlap policy: skip)` });
    expect(await (await send("GET", `/api/triggers/${t.id}/fires?limit=1`)).json()).toHaveLength(1);
    expect((await send("GET", `/api/triggers/${t.id}/fires?limit=zero`)).status).toBe(400);
    expect(graphId).toBeTruthy();
  });

  it("previews a cron expression in words with its next fire times, before saving", async () => {
    const res = await send("GET", `/api/triggers/cron-preview?expression=${encodeURIComponent("0 9 * * 1-5")}&timezone=Europe/Copenhagen&count=3`);
    expect(res.status).toBe(200);
    const p = await res.json();
    expect(p).toMatchObject({ expression: "0 9 * * 1-5", description: "At 09:00, Monday through Friday" });
    expect(p.next).toHaveLength(3);
    for (const n of p.next) expect(n.local).toMatch(/09:00/);
    const bad = await send("GET", `/api/triggers/cron-preview?expression=${encodeURIComponent("0 25 * * *")}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "INVALID_CRON", details: { field: "expression" } });
    expect((await send("GET", "/api/triggers/cron-preview")).status).toBe(400);
  });

  it("needs a sign-in, the editor role to change triggers, and stops at the workspace", async () => {
    const { graphId } = await withAssets();
    const t = await (await send("POST", `/api/graphs/${graphId}/triggers`, { kind: "cron", config: { expression: "@daily" } })).json();
    expect((await raw.request(`/api/triggers/${t.id}`)).status).toBe(401);
    expect((await raw.request(`/api/graphs/${graphId}/triggers`)).status).toBe(401);

    const viewer = asSession(raw, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "viewer")));
    expect((await viewer.request(`/api/triggers/${t.id}`)).status).toBe(200);
    const patch = await viewer.request(`/api/triggers/${t.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ enabled: false }) });
    expect(patch.status).toBe(403);
    expect((await patch.json()).error.message).toMatch(/needs the editor role/);

    const elsewhere = await createTestWorkspace(engine.db.sql);
    const outsider = asSession(raw, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "owner", { workspaceId: elsewhere })));
    expect((await outsider.request(`/api/triggers/${t.id}`)).status).toBe(404);
    expect((await outsider.request(`/api/triggers/${t.id}/fires`)).status).toBe(404);
    expect((await outsider.request(`/api/graphs/${graphId}/triggers`)).status).toBe(404);
    const create = await outsider.request(`/api/graphs/${graphId}/triggers`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "cron", config: { expression: "@daily" } }) });
    expect(create.status).toBe(404);
  });
});
