import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db/index.js";
import type { RunEventHub } from "../engine/events.js";
import { testRegistry } from "../test/nodes.js";
import { createApp } from "./app.js";
import { features } from "./features.js";
import { bodyLimits, idParam, intQuery, route, routeTable, specOf } from "./route.js";

const deps = { database: { sql: {} } as unknown as Database, registry: testRegistry(), hub: {} as RunEventHub, mediaRoot: "/nonexistent" };

describe("route table", () => {
  it("every route the product serves is declared with its schemas (a route added with app.get/post fails here)", () => {
    const app = createApp(deps, features);
    // The editor shell ("/" and "*") is static; everything else is the API, media, hooks and library.
    const served = app.routes.filter((r) => r.method !== "ALL" && r.path !== "/" && r.path !== "*");
    expect(served.length).toBeGreaterThan(55);
    expect(served.filter((r) => !specOf(r.handler)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const table = routeTable(app);
    expect(table.length).toBe(served.length);
    // Full paths, once each: what the OpenAPI document is generated from.
    expect(new Set(table.map((e) => `${e.method} ${e.path}`)).size).toBe(table.length);
    expect(table.find((e) => e.path === "/api/graphs/:id" && e.method === "PUT")?.spec.body).toBeDefined();
    expect(table.find((e) => e.path === "/hooks/:triggerId")?.spec.rawBody).toBe(true);
    // Routes with path parameters declare them.
    expect(table.filter((e) => e.path.includes("/:") && !e.spec.params).map((e) => `${e.method} ${e.path}`)).toEqual([]);
  });

  it("validates body, query and params before the handler: 400 naming the field, 404 for an id that cannot exist", async () => {
    const app = new Hono();
    app.onError((err, c) => c.json({ status: (err as { status?: number }).status, message: err.message, details: (err as { details?: unknown }).details }, ((err as { status?: number }).status ?? 500) as 400));
    route(
      app,
      { method: "POST", path: "/x/:id", params: z.object({ id: idParam("thing") }), query: z.object({ n: intQuery({ min: 1, max: 10, default: 5 }) }), body: z.object({ name: z.string() }) },
      (c, { params, query, body }) => c.json({ id: params.id, n: query.n, name: body.name }),
    );
    const id = "0000000A-0000-4000-8000-000000000000";
    const post = (path: string, body: string) => app.request(path, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(await (await post(`/x/${id}`, '{"name":"a"}')).json()).toEqual({ id: id.toLowerCase(), n: 5, name: "a" });
    expect((await post("/x/nope", '{"name":"a"}')).status).toBe(404);
    const q = await post(`/x/${id}?n=11`, '{"name":"a"}');
    expect(q.status).toBe(400);
    expect((await q.json()).message).toMatch(/^n: /);
    const nul = await post(`/x/${id}`, '{"name":"a\\u0000"}');
    expect(nul.status).toBe(400);
    expect((await nul.json()).message).toBe("name: must not contain the NUL character (\\u0000)");
    const deep = await post(`/x/${id}`, `{"name":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(deep.status).toBe(400);
    expect((await deep.json()).message).toMatch(/nested deeper than 64 levels/);
    expect((await post(`/x/${id}`, '{"name":1e309}')).status).toBe(400);
    expect((await post(`/x/${id}`, '{"name":')).status).toBe(400);
  });

  it("limits bodies per route before anything reads them: Content-Length at once, a stream as it passes the limit", async () => {
    const app = new Hono();
    app.use("*", bodyLimits(() => routeTable(app)));
    let reached = 0;
    route(app, { method: "POST", path: "/small", body: z.unknown() }, (c) => (reached++, c.json({ ok: true })));
    route(app, { method: "POST", path: "/big", body: z.unknown(), bodyLimit: 4 * 1024 * 1024 }, (c) => (reached++, c.json({ ok: true })));
    const big = JSON.stringify("a".repeat(2 * 1024 * 1024));
    expect((await app.request("/small", { method: "POST", body: big })).status).toBe(413);
    expect((await app.request("/big", { method: "POST", body: big })).status).toBe(200);
    // Chunked (no Content-Length): counted while streamed.
    const stream = () =>
      new ReadableStream({
        start(ctl) {
          for (let i = 0; i < 3; i++) ctl.enqueue(new TextEncoder().encode("a".repeat(512 * 1024)));
          ctl.close();
        },
      });
    const chunked = await app.request("/small", { method: "POST", body: stream(), duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await chunked.json()).error.code).toBe("BODY_TOO_LARGE");
    expect(reached).toBe(1);
  });

  it("exempts exactly POST /api/uploads (streamed to disk with its own cap) from the JSON limit", async () => {
    const app = new Hono();
    app.use("*", bodyLimits(() => routeTable(app)));
    app.post("/api/uploads", async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    app.post("/api/uploads/x", (c) => c.json({}));
    const big = "a".repeat(2 * 1024 * 1024);
    expect((await app.request("/api/uploads", { method: "POST", body: big })).status).toBe(200);
    expect((await app.request("/api/uploads/x", { method: "POST", body: big })).status).toBe(413);
    expect((await app.request("/api/uploadsx", { method: "POST", body: big })).status).toBe(413);
    expect((await app.request("/api/uploads", { method: "PUT", body: big })).status).toBe(413);
  });
});
