/**
 * Each role against each kind of route, and every route across workspaces. Real engine, real
 * runs, real media file: what passes the guard is then answered by the real route.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { waitForRun } from "../../engine/runs.js";
import { asSession, createMember, createTestWorkspace, sessionFor, type Requester } from "../../test/auth.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp } from "../app.js";
import { atLeast, ROLES, type Role } from "./roles.js";
import { authSettings } from "./settings.js";

let engine: TestEngine;
let hub: RunEventHub;
let app: Hono;
let mediaRoot: string;
const doc = graph([{ id: "a", type: "test.const", config: { value: 1 } }, { id: "b", type: "test.step", config: { add: 2 } }], [["a", "out", "b", "in"]]);

/** Workspace A (the default) with one member per role; workspace B with its own owner and graph. */
const A: { id: string; graph: string; run: string; as: Record<Role, Requester> } = { id: "", graph: "", run: "", as: {} as Record<Role, Requester> };
const B: { id: string; graph: string; run: string; owner: Requester } = { id: "", graph: "", run: "", owner: null as unknown as Requester };
const mediaHash = randomBytes(32).toString("hex");

beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-roles-"));
  await mkdir(path.join(mediaRoot, mediaHash.slice(0, 2)), { recursive: true });
  await writeFile(path.join(mediaRoot, mediaHash.slice(0, 2), mediaHash), "frame");
  await engine.db.sql`insert into media (hash, mime, size) values (${mediaHash}, 'image/png', 5)`;
  app = createApp({ database: engine.db, registry: engine.registry, hub, mediaRoot, auth: authSettings({ secretKey: randomBytes(32) }) });

  const sql = engine.db.sql;
  for (const role of ROLES) A.as[role] = asSession(app, await sessionFor(sql, await createMember(sql, role)));
  A.id = (await sql<{ id: string }[]>`select id from workspaces where is_default`)[0].id;
  B.id = await createTestWorkspace(sql, "Other studio");
  B.owner = asSession(app, await sessionFor(sql, await createMember(sql, "owner", { workspaceId: B.id })), { workspaceId: B.id });
  // The blob belongs to workspace A (as if one of A's runs had produced it).
  await sql`insert into media_workspaces (hash, workspace_id) values (${mediaHash}, ${A.id})`;

  const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  A.graph = (await (await A.as.owner.request("/api/graphs", json({ name: "A graph", document: doc }))).json()).id;
  B.graph = (await (await B.owner.request("/api/graphs", json({ name: "B graph", document: doc }))).json()).id;
  A.run = (await (await A.as.owner.request("/api/runs", json({ graphId: A.graph }))).json()).runId;
  B.run = (await (await B.owner.request("/api/runs", json({ graphId: B.graph }))).json()).runId;
  await Promise.all([waitForRun(sql, A.run), waitForRun(sql, B.run)]);
});
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  if (mediaRoot) await rm(mediaRoot, { recursive: true, force: true });
});

interface Case {
  kind: string;
  method: string;
  /** Built per request, so cases that consume something (a graph to delete) get their own. */
  url: () => string | Promise<string>;
  body?: () => unknown;
  min: Role;
  /** The status when the role is allowed (the route's own answer). */
  ok: number;
}

const uid = () => randomBytes(4).toString("hex");
const scratchGraph = async () => (await engine.db.sql<{ id: string }[]>`insert into graphs (name, document) values ('scratch', ${JSON.stringify(doc)}::jsonb) returning id`)[0].id;
const scratchMember = async () => (await createMember(engine.db.sql, "viewer")).id;

const cases: Case[] = [
  { kind: "catalog", method: "GET", url: () => "/api/node-types", min: "viewer", ok: 200 },
  { kind: "catalog", method: "POST", url: () => "/api/validate", body: () => doc, min: "viewer", ok: 200 },
  { kind: "graphs", method: "GET", url: () => "/api/graphs", min: "viewer", ok: 200 },
  { kind: "graphs", method: "GET", url: () => `/api/graphs/${A.graph}`, min: "viewer", ok: 200 },
  { kind: "graphs", method: "GET", url: () => `/api/graphs/${A.graph}/versions`, min: "viewer", ok: 200 },
  { kind: "graphs", method: "POST", url: () => "/api/graphs", body: () => ({ name: `new ${uid()}` }), min: "editor", ok: 201 },
  { kind: "graphs", method: "PUT", url: () => `/api/graphs/${A.graph}`, body: () => ({ name: "A graph" }), min: "editor", ok: 200 },
  { kind: "graphs", method: "POST", url: () => `/api/graphs/${A.graph}/versions`, body: () => ({}), min: "editor", ok: 201 },
  { kind: "graphs", method: "DELETE", url: async () => `/api/graphs/${await scratchGraph()}`, min: "editor", ok: 204 },
  { kind: "runs", method: "GET", url: () => "/api/runs", min: "viewer", ok: 200 },
  { kind: "runs", method: "GET", url: () => `/api/runs/${A.run}`, min: "viewer", ok: 200 },
  { kind: "runs", method: "GET", url: () => `/api/runs/${A.run}/logs`, min: "viewer", ok: 200 },
  { kind: "SSE", method: "GET", url: () => `/api/runs/${A.run}/events`, min: "viewer", ok: 200 },
  { kind: "runs", method: "POST", url: () => "/api/runs", body: () => ({ graphId: A.graph }), min: "editor", ok: 201 },
  // The run has finished: an allowed caller reaches the route, which answers 409.
  { kind: "runs", method: "POST", url: () => `/api/runs/${A.run}/cancel`, min: "editor", ok: 409 },
  { kind: "runs", method: "POST", url: () => `/api/runs/${A.run}/nodes/ghost/retry`, min: "editor", ok: 404 },
  { kind: "media", method: "GET", url: () => `/media/${mediaHash}`, min: "viewer", ok: 200 },
  { kind: "members", method: "GET", url: () => `/api/workspaces/${A.id}/members`, min: "viewer", ok: 200 },
  { kind: "members", method: "POST", url: () => `/api/workspaces/${A.id}/members`, body: () => ({ email: `invitee-${uid()}@test.local`, role: "viewer" }), min: "owner", ok: 201 },
  { kind: "members", method: "PATCH", url: async () => `/api/workspaces/${A.id}/members/${await scratchMember()}`, body: () => ({ role: "reviewer" }), min: "owner", ok: 200 },
  { kind: "members", method: "DELETE", url: async () => `/api/workspaces/${A.id}/members/${await scratchMember()}`, min: "owner", ok: 204 },
  { kind: "secrets", method: "GET", url: () => `/api/workspaces/${A.id}/secrets`, min: "owner", ok: 200 },
  { kind: "secrets", method: "PUT", url: () => `/api/workspaces/${A.id}/secrets/ROLE_TEST_${uid().toUpperCase()}`, body: () => ({ value: "a value of some length" }), min: "owner", ok: 201 },
  { kind: "secrets", method: "DELETE", url: () => `/api/workspaces/${A.id}/secrets/NOT_SET_YET`, min: "owner", ok: 404 },
  { kind: "limits", method: "GET", url: () => `/api/workspaces/${A.id}/limits`, min: "viewer", ok: 200 },
  { kind: "limits", method: "PUT", url: () => `/api/workspaces/${A.id}/limits`, body: () => ({ dailyCapUsd: 50 }), min: "owner", ok: 200 },
  { kind: "audit", method: "GET", url: () => "/api/audit", min: "owner", ok: 200 },
];

async function call(as: Requester | Hono, c: Case): Promise<Response> {
  const body = c.body?.();
  const res = await as.request(await c.url(), {
    method: c.method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // An event stream never ends by itself: take the status, drop the stream.
  if (res.headers.get("content-type")?.includes("text/event-stream")) await res.body?.cancel();
  return res;
}

describe("each role against each kind of route", () => {
  for (const role of ROLES) {
    it(`${role}`, async () => {
      const results: string[] = [];
      const expected: string[] = [];
      for (const c of cases) {
        const res = await call(A.as[role], c);
        const label = `${c.method} ${c.kind} #${cases.indexOf(c)} (${c.min}+)`;
        results.push(`${label} -> ${res.status}`);
        expected.push(`${label} -> ${atLeast(role, c.min) ? c.ok : 403}`);
        if (res.status === 403) expect((await res.json()).error.message).toMatch(new RegExp(`needs the ${c.min} role .* you are an? ${role}`));
      }
      expect(results).toEqual(expected);
    });
  }

  it("without signing in: 401 everywhere", async () => {
    for (const c of cases) expect((await call(app, c)).status, `${c.method} ${c.kind}`).toBe(401);
  });
});

describe("across workspaces", () => {
  it("another workspace's graphs, runs, versions, SSE, members, secrets and limits answer 404, and lists leave them out", async () => {
    const ids = [
      ["GET", `/api/graphs/${A.graph}`],
      ["PUT", `/api/graphs/${A.graph}`],
      ["DELETE", `/api/graphs/${A.graph}`],
      ["GET", `/api/graphs/${A.graph}/versions`],
      ["POST", `/api/graphs/${A.graph}/versions`],
      ["GET", `/api/runs/${A.run}`],
      ["GET", `/api/runs/${A.run}/logs`],
      ["GET", `/api/runs/${A.run}/events`],
      ["POST", `/api/runs/${A.run}/cancel`],
      ["POST", `/api/runs/${A.run}/nodes/b/retry`],
      ["GET", `/api/workspaces/${A.id}/members`],
      ["GET", `/api/workspaces/${A.id}/secrets`],
      ["PUT", `/api/workspaces/${A.id}/secrets/STOLEN`],
      ["GET", `/api/workspaces/${A.id}/limits`],
      ["GET", `/media/${mediaHash}`],
    ];
    for (const [method, url] of ids) {
      const body = method === "PUT" || method === "POST" ? JSON.stringify(url.includes("secrets") ? { value: "x".repeat(20) } : url.includes("graphs") ? { name: "mine now" } : {}) : undefined;
      const r = await B.owner.request(url, { method, headers: body ? { "content-type": "application/json" } : {}, body });
      expect(r.status, `${method} ${url}`).toBe(404);
      expect((await r.json()).error.code).toBe("NOT_FOUND");
    }
    const startRun = await B.owner.request("/api/runs", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ graphId: A.graph }) });
    expect(startRun.status).toBe(404);

    const graphs = (await (await B.owner.request("/api/graphs")).json()).map((g: { id: string }) => g.id);
    expect(graphs).toContain(B.graph);
    expect(graphs).not.toContain(A.graph);
    const runs = (await (await B.owner.request("/api/runs")).json()).map((r: { id: string }) => r.id);
    expect(runs).toContain(B.run);
    expect(runs).not.toContain(A.run);
    // Nothing changed in A.
    expect((await (await A.as.viewer.request(`/api/graphs/${A.graph}`)).json()).name).toBe("A graph");
  });

  it("naming a workspace you are not in is 404; a member of two acts with the role it has in the one named", async () => {
    expect((await A.as.owner.request(`/api/graphs/${B.graph}`, { headers: { "x-genjed-workspace": B.id } })).status).toBe(404);
    expect((await A.as.owner.request(`/api/graphs/${B.graph}`)).status).toBe(404);
    expect((await A.as.owner.request("/api/graphs?workspace=not-a-uuid")).status).toBe(404);

    const both = await createMember(engine.db.sql, "viewer");
    await engine.db.sql`insert into memberships (workspace_id, user_id, role) values (${B.id}, ${both.id}, 'editor')`;
    const s = await sessionFor(engine.db.sql, both);
    const inA = asSession(app, s, { workspaceId: A.id });
    const inB = asSession(app, s, { workspaceId: B.id });
    const rename = { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "B graph" }) };
    expect((await inB.request(`/api/graphs/${B.graph}`, rename)).status).toBe(200);
    expect((await inA.request(`/api/graphs/${A.graph}`, rename)).status).toBe(403);
    // EventSource and <img> cannot send headers: ?workspace= does the same.
    const sse = await asSession(app, s).request(`/api/runs/${B.run}/events?workspace=${B.id}`);
    expect(sse.status).toBe(200);
    await sse.body?.cancel();
    const me = await (await inB.request("/api/auth/me")).json();
    expect(me.workspace).toMatchObject({ id: B.id, role: "editor" });
    expect(me.workspaces.map((w: { role: string }) => w.role).sort()).toEqual(["editor", "viewer"]);
  });

  it("records run starts in the audit log of the run's workspace only", async () => {
    const auditA = await (await A.as.owner.request("/api/audit?action=run")).json();
    const auditB = await (await B.owner.request("/api/audit?action=run")).json();
    expect(auditA.map((e: { target: string }) => e.target)).toContain(A.run);
    expect(auditA.map((e: { target: string }) => e.target)).not.toContain(B.run);
    expect(auditB.map((e: { target: string }) => e.target)).toEqual([B.run]);
  });
});
