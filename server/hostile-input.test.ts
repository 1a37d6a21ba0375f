/**
 * Every route in the route table, sent a corpus of hostile input, signed in as an owner (with
 * CSRF) and signed out: malformed JSON, NUL, lone surrogates, overflowing numbers, 10^5-deep
 * nesting, wrong types, unknown and malformed ids, garbage query values, oversize bodies.
 * Nothing may answer 5xx or show a stack trace. Then the issue's reproductions, one by one.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { RunEventHub } from "../engine/events.js";
import { graph } from "../test/graphs.js";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { testRegistry } from "../test/nodes.js";
import { signedInOwner, type Requester } from "../test/auth.js";
import { createApp } from "./app.js";
import { authSettings } from "./auth/settings.js";
import { features } from "./features.js";
import { DOCUMENT_BODY_LIMIT, JSON_BODY_LIMIT, routeTable, type RouteEntry } from "./route.js";

let db: TestDatabase;
let hub: RunEventHub;
let mediaRoot: string;
let app: ReturnType<typeof createApp>;
let owner: Requester;
let table: RouteEntry[];

beforeAll(async () => {
  db = await createTestDatabase();
  hub = new RunEventHub(db.sql);
  await hub.start();
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-hostile-"));
  app = createApp({ database: db, registry: testRegistry(), hub, mediaRoot, auth: authSettings({ secretKey: randomBytes(32) }) }, features);
  owner = await signedInOwner(app, db.sql);
  table = routeTable(app);
});
afterAll(async () => {
  await hub?.stop();
  await db?.drop();
  if (mediaRoot) await rm(mediaRoot, { recursive: true, force: true });
});

/** A stack frame, a source path or a module path: none may reach a client. */
const STACK = /\n\s+at |\bat [\w.<>]+ \(|\/work\/|node_modules|\.[cm]?[tj]s:\d+/;

const DEEP = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;

/** Top-level fields of a body schema (for wrong types and NUL per field). */
function fieldsOf(schema: z.ZodType | undefined): string[] {
  const shape = (schema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : ["name", "document", "graphId"];
}

/** The hostile bodies for a route: raw JSON texts. */
function hostileBodies(e: RouteEntry): { what: string; body: string }[] {
  const fields = fieldsOf(e.spec.body);
  const per = (v: string) => `{${fields.map((f) => `${JSON.stringify(f)}:${v}`).join(",")}}`;
  const limit = typeof e.spec.bodyLimit === "number" ? e.spec.bodyLimit : JSON_BODY_LIMIT;
  return [
    { what: "malformed JSON", body: '{"name": "a", ' },
    { what: "not JSON at all", body: "\u0000\u0001garbage" },
    { what: "NUL in every field", body: per('"a\\u0000b"') },
    { what: "NUL in a nested value and key", body: `{"document":{"version":1,"name":"x","nodes":[{"id":"a","type":"test.const","position":{"x":0,"y":0},"config":{"v\\u0000":"\\u0000"}}],"edges":[]}}` },
    { what: "lone surrogate in every field", body: per('"\\ud800"') },
    { what: "huge numbers", body: per("1e309") },
    { what: "negative huge numbers", body: per("-1e309") },
    { what: "10^5-deep nesting", body: `{"name":${DEEP}}` },
    { what: "10^5-deep nesting at the root", body: DEEP },
    { what: "wrong types: arrays", body: per("[]") },
    { what: "wrong types: objects", body: per("{}") },
    { what: "wrong types: numbers", body: per("12345678901234567890") },
    { what: "wrong types: booleans", body: per("true") },
    { what: "root is an array", body: "[1,2,3]" },
    { what: "root is a string", body: '"x"' },
    { what: "unknown ids", body: `{"graphId":"${randomUUID()}","versionId":"${randomUUID()}","itemIds":["${randomUUID()}"]}` },
    { what: "oversize", body: JSON.stringify({ name: "a".repeat(limit + 10) }) },
  ];
}

/** The path with each parameter replaced: unknown UUIDs, or garbage. */
function pathsOf(e: RouteEntry): string[] {
  if (!e.path.includes("/:")) return [e.path];
  return [
    e.path.replace(/:[A-Za-z]+/g, () => randomUUID()),
    e.path.replace(/:[A-Za-z]+/g, "garbage"),
    e.path.replace(/:[A-Za-z]+/g, "%00%ED%A0%80"),
    e.path.replace(/:[A-Za-z]+/g, "9".repeat(400)),
  ];
}

/** Garbage for every declared query key (and some undeclared ones). */
function queriesOf(e: RouteEntry): string[] {
  const keys = [...(e.spec.query ? fieldsOf(e.spec.query) : []), "before", "limit", "workspace"];
  const values = ["garbage", "%00", "-1", "1e309", "%ED%A0%80", "99999999999999999999999", ""];
  return values.map((v) => keys.map((k) => `${k}=${v}`).join("&"));
}

async function expectSafe(res: Response, what: string) {
  const text = await res.text();
  if (res.status >= 500 || STACK.test(text)) throw new Error(`${what} -> ${res.status}: ${text.slice(0, 300)}`);
}

/** Logout ends the owner's session: last, so every other route is tried signed in. */
const ordered = () => [...table].sort((a, b) => Number(a.path === "/api/auth/logout") - Number(b.path === "/api/auth/logout"));

describe("hostile input, every route", () => {
  it("the table covers the product's routes", () => {
    expect(table.length).toBeGreaterThan(55);
  });

  for (const who of ["owner", "anonymous"] as const) {
    it(`${who}: no 5xx and no stack trace for any route and input`, async () => {
      const client: Requester = who === "owner" ? owner : app;
      const failures: string[] = [];
      for (const e of ordered()) {
        const sends: Promise<void>[] = [];
        for (const p of pathsOf(e)) {
          for (const q of queriesOf(e)) {
            const what = `${who} ${e.method} ${p}?${q}`;
            sends.push(Promise.resolve(client.request(`${p}?${q}`, { method: e.method })).then((r) => expectSafe(r, what)));
          }
          if (e.method === "GET" || e.method === "DELETE") continue;
          for (const b of hostileBodies(e)) {
            const what = `${who} ${e.method} ${p} (${b.what})`;
            sends.push(Promise.resolve(client.request(p, { method: e.method, headers: { "content-type": "application/json" }, body: b.body })).then((r) => expectSafe(r, what)));
          }
        }
        await Promise.all(sends.map((s) => s.catch((err: Error) => void failures.push(err.message))));
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});

describe("the issue's reproductions", () => {
  // A session of its own: the hostile pass above signs its owner out.
  let me: Requester;
  beforeAll(async () => {
    me = await signedInOwner(app, db.sql);
  });
  const send = (method: string, url: string, body?: unknown) =>
    me.request(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const doc = (over: { name?: string; label?: string; config?: Record<string, unknown> } = {}) => {
    const d = graph([{ id: "a", type: "test.const", config: over.config ?? { value: 1 } }]);
    return { ...d, name: over.name ?? "g", nodes: d.nodes.map((n) => ({ ...n, label: over.label })) };
  };
  const errorOf = async (res: Response) => (await res.json()).error as { code: string; message: string; details?: { issues?: { path: string }[]; field?: string } };

  it("NUL in a graph name, label or config value: 400 naming the field on POST/PUT /api/graphs and POST /api/runs", async () => {
    const created = await send("POST", "/api/graphs", { name: "ok", document: doc() });
    expect(created.status).toBe(201);
    const { id } = await created.json();

    const badName = await send("POST", "/api/graphs", { name: "a\u0000b" });
    expect(badName.status).toBe(400);
    expect((await errorOf(badName)).message).toMatch(/^name: .*NUL/);

    const badLabel = await send("PUT", `/api/graphs/${id}`, { document: doc({ label: "x\u0000" }) });
    expect(badLabel.status).toBe(400);
    expect((await errorOf(badLabel)).message).toMatch(/^document\.nodes\.0\.label: .*NUL/);

    const badConfig = await send("POST", "/api/runs", { document: doc({ config: { value: { product: { title: "t\u0000" } } } }) });
    expect(badConfig.status).toBe(400);
    expect((await errorOf(badConfig)).message).toMatch(/^document\.nodes\.0\.config\.value\.product\.title: .*NUL/);

    const badOverride = await send("POST", "/api/runs", { graphId: id, overrides: { a: { value: "\u0000" } } });
    expect(badOverride.status).toBe(400);
    expect((await errorOf(badOverride)).message).toMatch(/^overrides\.a\.value: /);

    const surrogate = await send("POST", "/api/graphs", '{"name":"\\udc00x"}');
    expect(surrogate.status).toBe(400);
    expect((await errorOf(surrogate)).message).toMatch(/^name: .*surrogate/);
  });

  it("/api/validate no longer says ok to a document PostgreSQL cannot store", async () => {
    const res = await send("POST", "/api/validate", doc({ name: "n\u0000" }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/^name: .*NUL/);
  });

  it("GET /api/runs?before=garbage: 400 naming before; other bad queries name theirs", async () => {
    const res = await send("GET", "/api/runs?before=garbage");
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "INVALID_QUERY", message: expect.stringMatching(/^before: /) });
    expect((await send("GET", "/api/runs?before=2026-01-31T12:00:00Z")).status).toBe(200);
    expect((await errorOf(await send("GET", "/api/runs?limit=1e309"))).message).toMatch(/^limit: /);
    expect((await errorOf(await send("GET", "/api/runs?graphId=x"))).message).toMatch(/^graphId: /);
    expect((await errorOf(await send("GET", `/api/runs/${randomUUID()}/logs?after=-5`))).message).toMatch(/^after: |does not exist/);
    expect((await send("GET", "/api/runs/not-a-uuid")).status).toBe(404);
  });

  it("an unauthenticated 100 MB login body is refused 413 before it is read, with Content-Length or streamed", async () => {
    const withLength = await app.request("/api/auth/login", { method: "POST", headers: { "content-type": "application/json", "content-length": String(100 * 1024 * 1024) }, body: "{}" });
    expect(withLength.status).toBe(413);
    expect((await errorOf(withLength)).code).toBe("BODY_TOO_LARGE");
    let pulled = 0;
    const body = new ReadableStream({
      pull(ctl) {
        pulled += 1024 * 1024;
        if (pulled > 100 * 1024 * 1024) return ctl.close();
        ctl.enqueue(new Uint8Array(1024 * 1024).fill(97));
      },
    });
    const streamed = await app.request("/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    // Stopped just past the 1 MB limit, not after reading 100 MB.
    expect(pulled).toBeLessThan(5 * 1024 * 1024);
    // Graph documents get the larger limit; more than that is refused too.
    const big = { name: "big", document: { ...doc(), padding: "a".repeat(2 * 1024 * 1024) } };
    expect((await send("POST", "/api/graphs", big)).status).toBe(201);
    const huge = await send("POST", "/api/graphs", { name: "huge", padding: "a".repeat(DOCUMENT_BODY_LIMIT) });
    expect(huge.status).toBe(413);
  });
});
