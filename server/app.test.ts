import { mkdtemp, rm, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../engine/events.js";
import { waitForRun } from "../engine/runs.js";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { startTestEngine, type TestEngine } from "../test/engine.js";
import { signedInOwner, type Requester } from "../test/auth.js";
import { createApp } from "./app.js";

let engine: TestEngine;
let hub: RunEventHub;
/** Signed in as an owner of the default workspace (server/auth tests cover every role). */
let app: Requester;
let mediaRoot: string;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-media-"));
  app = await signedInOwner(createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot }), engine.db.sql);
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  await rm(mediaRoot, { recursive: true, force: true });
});

const json = (method: string, body?: unknown, raw?: string) => ({
  method,
  headers: { "content-type": "application/json" },
  body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
});

const simple = graph([
  { id: "a", type: "test.const", config: { value: 1 } },
  { id: "b", type: "test.step", config: { add: 2 } },
], [["a", "out", "b", "in"]]);

describe("HTTP API", () => {
  it("answers health and lists node types with their config as JSON Schema", async () => {
    expect(await (await app.request("/api/health")).json()).toMatchObject({ ok: true });
    const types = await (await app.request("/api/node-types")).json();
    const list = types.find((t: { type: string }) => t.type === "test.list");
    expect(list).toMatchObject({ category: "test", outputs: [{ name: "items", type: "json", list: true }] });
    expect(list.configSchema).toMatchObject({ type: "object", properties: { count: { type: "integer", minimum: 0, default: 3 } } });
  });

  it("creates, reads, updates, versions and deletes graphs", async () => {
    const created = await app.request("/api/graphs", json("POST", { name: "Spring ads", document: { ...simple, name: "x" } }));
    expect(created.status).toBe(201);
    const g = await created.json();
    expect(g).toMatchObject({ name: "Spring ads", document: { name: "Spring ads", nodes: [{ id: "a" }, { id: "b" }] } });
    expect((await (await app.request("/api/graphs")).json()).map((x: { id: string }) => x.id)).toContain(g.id);

    const put = await app.request(`/api/graphs/${g.id}`, json("PUT", { name: "Summer ads" }));
    expect(await put.json()).toMatchObject({ name: "Summer ads", document: { name: "Summer ads" } });

    const v1 = await (await app.request(`/api/graphs/${g.id}/versions`, json("POST", { label: "first" }))).json();
    const v2 = await (await app.request(`/api/graphs/${g.id}/versions`, json("POST", {}))).json();
    expect([v1.number, v2.number]).toEqual([1, 2]);
    const versions = await (await app.request(`/api/graphs/${g.id}/versions`)).json();
    expect(versions.map((v: { number: number; label: string | null }) => [v.number, v.label])).toEqual([
      [2, null],
      [1, "first"],
    ]);
    expect((await app.request(`/api/graphs/${g.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await app.request(`/api/graphs/${g.id}`)).status).toBe(404);
  });

  it("answers bad input with 400 and a message naming the field; unknown ids with 404", async () => {
    const malformed = await app.request("/api/graphs", json("POST", undefined, "{not json"));
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatchObject({ code: "INVALID_JSON", message: expect.stringContaining("not valid JSON") });

    const wrongType = await app.request("/api/graphs", json("POST", { name: 42 }));
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).error).toMatchObject({ code: "INVALID_BODY", message: expect.stringContaining("name") });

    const badRun = await app.request("/api/runs", json("POST", { budgetUsd: "lots" }));
    expect(badRun.status).toBe(400);
    const err = (await badRun.json()).error;
    expect(err.message).toMatch(/budgetUsd/);
    expect(JSON.stringify(err)).not.toMatch(/at .*\.ts:\d+/);

    for (const url of ["/api/graphs/00000000-0000-4000-8000-000000000000", "/api/graphs/not-a-uuid", "/api/runs/00000000-0000-4000-8000-000000000000", "/api/nope"]) {
      const r = await app.request(url);
      expect(r.status, url).toBe(404);
      expect((await r.json()).error.code).toBe("NOT_FOUND");
    }
    const unknownGraphRun = await app.request("/api/runs", json("POST", { graphId: "00000000-0000-4000-8000-000000000000" }));
    expect(unknownGraphRun.status).toBe(404);
  });

  it("validates a document and returns every compile error with where it is", async () => {
    const bad = graph([{ id: "c", type: "test.collect" }, { id: "x", type: "nope" }]);
    const r = await (await app.request("/api/validate", json("POST", bad))).json();
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "MISSING_INPUT", nodeId: "c", port: "items" }),
        expect.objectContaining({ code: "UNKNOWN_NODE_TYPE", nodeId: "x" }),
      ]),
    );
    const ok = await (await app.request("/api/validate", json("POST", simple))).json();
    expect(ok).toMatchObject({ ok: true, errors: [], estimate: { usd: 0 } });
    const runBad = await app.request("/api/runs", json("POST", { document: bad }));
    expect(runBad.status).toBe(400);
    expect((await runBad.json()).error).toMatchObject({ code: "INVALID_GRAPH", details: { errors: expect.any(Array) } });
  });

  it("runs a saved graph from an immutable version and streams its events", async () => {
    const g = await (await app.request("/api/graphs", json("POST", { document: simple }))).json();
    const started = await app.request("/api/runs", json("POST", { graphId: g.id }));
    expect(started.status).toBe(201);
    const { runId } = await started.json();

    const events = await app.request(`/api/runs/${runId}/events`);
    expect(events.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = events.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    while (!/"status":"succeeded"[^\n]*"kind":"run"|"kind":"run"[^\n]*"status":"succeeded"|event: snapshot\ndata: \{[^\n]*"status":"succeeded","costUsd"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    await reader.cancel();
    expect(text).toMatch(/^event: snapshot/);

    const run = await waitForRun(engine.db.sql, runId);
    expect(run).toMatchObject({ status: "succeeded", graphId: g.id });
    const view = await (await app.request(`/api/runs/${runId}`)).json();
    expect(view.nodes.find((n: { nodeId: string }) => n.nodeId === "b")).toMatchObject({ status: "succeeded", output: { out: 3 }, attempts: 1 });
    const versions = await (await app.request(`/api/graphs/${g.id}/versions`)).json();
    expect(versions).toHaveLength(1);
    expect(view.versionId).toBe(versions[0].id);

    // Running again without edits reuses that version, and the cache makes it free.
    const again = await (await app.request("/api/runs", json("POST", { graphId: g.id }))).json();
    await waitForRun(engine.db.sql, again.runId);
    expect(await (await app.request(`/api/graphs/${g.id}/versions`)).json()).toHaveLength(1);

    const list = await (await app.request(`/api/runs?graphId=${g.id}`)).json();
    expect(list.map((r: { id: string }) => r.id)).toEqual([again.runId, runId]);
    const cancelDone = await app.request(`/api/runs/${runId}/cancel`, { method: "POST" });
    expect(cancelDone.status).toBe(409);
    expect((await app.request(`/api/runs/${runId}/nodes/ghost/retry`, { method: "POST" })).status).toBe(404);
  });

  it("serves media with its content type and byte ranges", async () => {
    const hash = "a".repeat(64);
    await mkdir(path.join(mediaRoot, "aa"), { recursive: true });
    await writeFile(path.join(mediaRoot, "aa", hash), Buffer.from("0123456789"));
    await engine.db.sql`insert into media (hash, mime, size) values (${hash}, 'video/mp4', 10)`;
    // Stored but named by no run of this workspace: not found.
    expect((await app.request(`/media/${hash}`)).status).toBe(404);
    await engine.db.sql`insert into media_workspaces (hash, workspace_id) select ${hash}, id from workspaces where is_default`;
    const full = await app.request(`/media/${hash}`);
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(await full.text()).toBe("0123456789");
    const part = await app.request(`/media/${hash}`, { headers: { range: "bytes=2-5" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(await part.text()).toBe("2345");
    const tail = await app.request(`/media/${hash}`, { headers: { range: "bytes=-3" } });
    expect(await tail.text()).toBe("789");
    expect((await app.request(`/media/${hash}`, { headers: { range: "bytes=50-" } })).status).toBe(416);
    expect((await app.request(`/media/${"b".repeat(64)}`)).status).toBe(404);
  });
});
