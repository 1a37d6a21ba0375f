import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { StartRunBodySchema } from "../schemas/api.js";
import { createTestDatabase, type TestDatabase } from "../test/db.js";
import { testRegistry } from "../test/nodes.js";
import { apiTokenFor, asToken, createMember, signedInOwner } from "../test/auth.js";
import type { RunEventHub } from "../engine/events.js";
import { createApp } from "./app.js";
import { authSettings } from "./auth/settings.js";
import { features } from "./features.js";
import { openApiPath } from "./openapi.js";
import { routeTable, type RouteEntry } from "./route.js";

type Json = Record<string, any>;

let db: TestDatabase;
let app: ReturnType<typeof createApp>;
let table: RouteEntry[];
let doc: Json;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createApp({ database: db, registry: testRegistry(), hub: {} as RunEventHub, mediaRoot: "/nonexistent", auth: authSettings({ secretKey: randomBytes(32) }) }, features);
  table = routeTable(app);
  const owner = await signedInOwner(app, db.sql);
  const res = await owner.request("/api/openapi.json");
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(async () => {
  await db?.drop();
});

const METHODS = ["get", "post", "put", "patch", "delete"];
const operations = () => Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] as Json })));
const op = (method: string, path: string) => doc.paths[path]?.[method] as Json;

/** Every `$ref` in the document, with where it sits. */
function refsIn(v: unknown, at = "#"): { at: string; ref: string }[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => refsIn(x, `${at}/${i}`));
  if (!v || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) => (k === "$ref" && typeof x === "string" ? [{ at, ref: x }] : refsIn(x, `${at}/${k}`)));
}

/** A local JSON Pointer (`#/components/schemas/Error`) into the document; undefined when it names nothing. */
function resolve(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!cur || typeof cur !== "object" || !(key in cur)) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

/** Parameters of an operation with `$ref`s followed. */
const paramsOf = (o: Json): Json[] => ((o.parameters ?? []) as Json[]).map((p) => (p.$ref ? (resolve(p.$ref) as Json) : p));

describe("OpenAPI document at /api/openapi.json", () => {
  it("is for signed-in callers (session or API token), not anonymous ones", async () => {
    const anonymous = await app.request("/api/openapi.json");
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("UNAUTHENTICATED");
    // Any account will do, a viewer's API token included: the document holds no workspace data.
    const viewer = await createMember(db.sql, "viewer");
    const res = await asToken(app, await apiTokenFor(db.sql, viewer)).request("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(doc);
  });

  it("lists every route of the composed app's route table with its method, and nothing else", () => {
    expect(table.length).toBeGreaterThan(55);
    const missing = table.filter((e) => !op(e.method.toLowerCase(), openApiPath(e.path))).map((e) => `${e.method} ${e.path}`);
    expect(missing).toEqual([]);
    expect(operations()).toHaveLength(table.length);
    expect(op("get", "/api/openapi.json")).toBeDefined();
    expect(op("get", "/api/graphs/{id}/versions/{versionId}")).toBeDefined();
    expect(op("post", "/hooks/{triggerId}")).toBeDefined();
    for (const e of table) expect(op(e.method.toLowerCase(), openApiPath(e.path)).summary).toBe(e.spec.summary);
  });

  it("is well-formed OpenAPI 3.1: every $ref resolves, every path parameter is declared, ids unique, security schemes exist", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Genjed Studio", version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(100);
    expect(refs.filter((r) => resolve(r.ref) === undefined)).toEqual([]);
    const ops = operations();
    expect(new Set(ops.map((o) => o.op.operationId)).size).toBe(ops.length);
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const { path, method, op: o } of ops) {
      const where = `${method} ${path}`;
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = paramsOf(o).filter((p) => p.in === "path");
      expect(declared.map((p) => p.name).sort(), where).toEqual(inPath);
      for (const p of declared) expect(p.required, `${where} ${p.name}`).toBe(true);
      for (const p of paramsOf(o)) expect(p.schema, `${where} ${p.name}`).toBeTypeOf("object");
      expect(Object.keys(o.responses).length, where).toBeGreaterThan(0);
      for (const alt of o.security as Json[]) for (const s of Object.keys(alt)) expect(schemes, where).toContain(s);
    }
    // Route metadata and per-schema headers do not leak into the JSON Schemas.
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"notFound"');
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain("#/$defs/");
  });

  it("declares who may call what: public routes need nothing, writes need the CSRF header with a cookie, errors have one shape", () => {
    expect(op("get", "/api/health").security).toEqual([]);
    expect(op("post", "/api/auth/login").security).toEqual([]);
    expect(op("get", "/api/openapi.json")["x-genjed-access"]).toBe("signed-in");
    expect(op("get", "/api/runs").security).toEqual([{ session: [] }, { bearer: [] }]);
    expect(op("post", "/api/runs").security).toEqual([{ session: [], csrf: [] }, { bearer: [] }]);
    expect(op("post", "/api/runs")["x-genjed-access"]).toBe("editor");
    expect(op("put", "/api/workspaces/{id}/secrets/{name}")["x-genjed-access"]).toBe("owner");
    expect(doc.components.securitySchemes).toMatchObject({
      session: { type: "apiKey", in: "cookie", name: "genjed_session" },
      csrf: { type: "apiKey", in: "header", name: "x-csrf-token" },
      bearer: { type: "http", scheme: "bearer" },
    });
    expect(Object.keys(op("put", "/api/graphs/{id}").responses).sort()).toEqual(["2XX", "400", "401", "403", "404", "413"]);
    expect(Object.keys(op("get", "/api/health").responses)).toEqual(["2XX"]);
    expect(doc.components.schemas.Error).toMatchObject({
      type: "object",
      required: ["error"],
      properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, details: {} } } },
    });
  });

  it("bodies are the zod schemas the routes validate with: fields, required fields, and POST /api/runs's exactly-one-of graphId or document", () => {
    for (const e of table) {
      const shape = (e.spec.body as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape;
      if (!shape) continue;
      const where = `${e.method} ${e.path}`;
      const [type, media] = Object.entries(op(e.method.toLowerCase(), openApiPath(e.path)).requestBody.content as Record<string, Json>)[0];
      expect(type, where).toBe(e.spec.bodyType ?? "application/json");
      expect(Object.keys(media.schema.properties ?? {}).sort(), where).toEqual(Object.keys(shape).sort());
      const required = Object.keys(shape).filter((k) => !shape[k].safeParse(undefined).success);
      expect([...(media.schema.required ?? [])].sort(), where).toEqual(required.sort());
    }

    const runs = op("post", "/api/runs").requestBody;
    expect(runs.required).toBe(true);
    const schema = runs.content["application/json"].schema as Json;
    expect(schema.properties.document.required).toEqual(expect.arrayContaining(["version", "name", "nodes", "edges"]));
    // The refinement, evaluated as JSON Schema would (each `oneOf` branch only lists required
    // keys), agrees with zod on every combination.
    const doc1 = { version: 1, name: "g", nodes: [], edges: [] };
    const id = "00000000-0000-4000-8000-000000000001";
    for (const body of [{}, { graphId: id }, { document: doc1 }, { graphId: id, document: doc1 }, { versionId: id }, { budgetUsd: 1 }]) {
      const branches = (schema.oneOf as { required: string[] }[]).filter((b) => b.required.every((k) => k in body)).length;
      expect(branches === 1, JSON.stringify(body)).toBe(StartRunBodySchema.safeParse(body).success);
    }

    // The upload is multipart with one or more binary `file` parts.
    const upload = op("post", "/api/uploads").requestBody;
    expect(upload.required).toBe(true);
    expect(upload.content["multipart/form-data"].schema).toMatchObject({
      type: "object",
      required: ["file"],
      properties: { file: { type: "array", minItems: 1, items: { type: "string", format: "binary" } } },
    });
    // Query strings: what a client sends (text), before the route's transforms.
    const list = paramsOf(op("get", "/api/runs"));
    expect(list.find((p) => p.name === "limit")).toMatchObject({ in: "query", required: false, schema: { type: "string", pattern: "^\\d+$" } });
    expect(list.find((p) => p.name === "x-genjed-workspace")).toMatchObject({ in: "header", required: false });
    // A path id as the route checks it, either case.
    const idSchema = paramsOf(op("get", "/api/runs/{id}")).find((p) => p.name === "id")!.schema;
    expect(new RegExp(idSchema.pattern).test("0000000A-0000-4000-8000-00000000000a")).toBe(true);
  });
});
