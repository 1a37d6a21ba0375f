/**
 * Issue 10: `GET /api/runs` showed a run's name holding a workspace secret's value while
 * `GET /api/runs/:id` redacted it. Every API view now leaves through one scrubber
 * (server/auth/redact-responses.ts): the run list, the detail, node rows, logs, the event stream,
 * and a view a route author adds without thinking of secrets at all.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { listRuns, waitForRun } from "../../engine/runs.js";
import { asSession, createMember, sessionFor, type Requester } from "../../test/auth.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp, type RouteModule } from "../app.js";
import { authSettings } from "../auth/settings.js";
import { putSecret } from "../../services/secrets/workspace-secrets.js";

const key = randomBytes(32);
const SECRET = `sk_live_${randomBytes(12).toString("hex")}`;
// Quoted and escaped in JSON text: only a scrubber that walks the parsed value finds it there.
const QUOTED = `pa"ss\\word-${randomBytes(6).toString("hex")}`;
let engine: TestEngine;
let hub: RunEventHub;
let mediaRoot: string;
let owner: Requester;
let workspaceId: string;

/** A route module written without any thought of secrets: it hands back raw run rows and a raw stream. */
const carelessView: RouteModule = (deps) => {
  const app = new Hono();
  app.get("/runs", async (c) => c.json(await listRuns(deps.database.sql, { workspaceId: c.get("auth").workspace.id })));
  app.get("/stream", (c) => {
    const encoder = new TextEncoder();
    const half = Math.floor(SECRET.length / 2);
    // The value split across two chunks, as a proxy or a slow writer may deliver it.
    const chunks = [`event: run\ndata: {"name":"x ${SECRET.slice(0, half)}`, `${SECRET.slice(half)}"}\n\n`, `event: note\ndata: plain ${SECRET}\n\n`];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    });
    return c.body(body, 200, { "content-type": "text/event-stream" });
  });
  return { prefix: "careless", app, access: [{ method: "GET", path: "/*", access: "viewer" }] };
};

beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-redaction-"));
  const app = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot, auth: authSettings({ secretKey: key }) }, [carelessView]);
  const o = await createMember(engine.db.sql, "owner");
  workspaceId = o.workspaceId;
  owner = asSession(app, await sessionFor(engine.db.sql, o));
  await putSecret(engine.db.sql, key, { workspaceId, name: "PLATFORM_TOKEN", value: SECRET, userId: null });
  await putSecret(engine.db.sql, key, { workspaceId, name: "DB_PASSWORD", value: QUOTED, userId: null });
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  if (mediaRoot) await rm(mediaRoot, { recursive: true, force: true });
});

async function readEvents(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

const leaks = (text: string) => [SECRET, SECRET.slice(8), QUOTED, JSON.stringify(QUOTED).slice(1, -1)].filter((s) => text.includes(s));

describe("a run named with a secret's value", () => {
  it("is redacted in the run list, the detail, node rows, logs and the event stream", async () => {
    const document = {
      ...graph([{ id: "pasted", type: "test.const", config: { value: `header: ${SECRET}` } }]),
      name: `release ${SECRET} ${QUOTED}`,
    };
    const started = await owner.request("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ document }) });
    expect(started.status).toBe(201);
    const { runId } = await started.json();
    expect((await waitForRun(engine.db.sql, runId)).status).toBe("succeeded");

    const listText = await (await owner.request("/api/runs")).text();
    const list = JSON.parse(listText);
    expect(list.find((r: { id: string }) => r.id === runId).name).toBe("release [redacted] [redacted]");
    expect(leaks(listText)).toEqual([]);

    const detailText = await (await owner.request(`/api/runs/${runId}`)).text();
    const detail = JSON.parse(detailText);
    expect(detail.name).toBe("release [redacted] [redacted]");
    expect(detail.nodes[0].output).toEqual({ out: "header: [redacted]" });
    expect(leaks(detailText)).toEqual([]);

    expect(leaks(await (await owner.request(`/api/runs/${runId}/logs`)).text())).toEqual([]);

    const sse = await readEvents(await owner.request(`/api/runs/${runId}/events`), (t) => t.includes("event: snapshot") && t.endsWith("\n\n"));
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(sse)![1]);
    expect(snapshot.name).toBe("release [redacted] [redacted]");
    expect(leaks(sse)).toEqual([]);
    // Closing the scrubbed stream still reaches the route: its subscription ends (no leaked listener).
    const listeners = (hub as unknown as { listeners: Set<unknown> }).listeners;
    for (let i = 0; i < 100 && listeners.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(listeners.size).toBe(0);
  });

  it("is redacted in a view whose route never mentions secrets, a value split across stream chunks included", async () => {
    const text = await (await owner.request("/api/careless/runs")).text();
    expect(text).toContain("release [redacted] [redacted]");
    expect(leaks(text)).toEqual([]);
    const stream = await readEvents(await owner.request("/api/careless/stream"), () => false);
    expect(stream).toBe(`event: run\ndata: {"name":"x [redacted]"}\n\nevent: note\ndata: plain [redacted]\n\n`);
  });
});
