import { describe, expect, it } from "vitest";
import type { Database } from "../../db/index.js";
import type { RunEventHub } from "../../engine/events.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp } from "../app.js";
import { features } from "../features.js";
import { CORE_POLICY, createPolicy, underPrefix } from "./policy.js";

describe("route policy table", () => {
  const policy = createPolicy(CORE_POLICY);

  it("matches method and path, parameters and trailing slashes; HEAD is GET", () => {
    expect(policy("GET", "/api/graphs")?.access).toBe("viewer");
    expect(policy("GET", "/api/graphs/")?.access).toBe("viewer");
    expect(policy("POST", "/api/graphs")?.access).toBe("editor");
    expect(policy("HEAD", "/api/runs/abc")?.access).toBe("viewer");
    expect(policy("POST", "/api/runs/abc/nodes/n1/retry")?.access).toBe("editor");
    expect(policy("PUT", "/api/workspaces/w1/secrets/REPLICATE_API_TOKEN")?.access).toBe("owner");
    expect(policy("GET", "/api/graphs/g1/triggers")).toBeNull(); // another module's route: not this table's
    expect(policy("GET", "/api/graphsX")).toBeNull();
    expect(policy("GET", "/media/abc/def")).toBeNull();
  });

  it("prefixes a feature's rules, and a trailing /* covers the subtree", () => {
    const feature = createPolicy(underPrefix("/api/reviews", [
      { method: "GET", path: "/", access: "viewer" },
      { method: "POST", path: "/:id/decision", access: "reviewer" },
      { method: "*", path: "/admin/*", access: "owner" },
    ]));
    expect(feature("GET", "/api/reviews")?.access).toBe("viewer");
    expect(feature("POST", "/api/reviews/r1/decision")?.access).toBe("reviewer");
    expect(feature("DELETE", "/api/reviews/admin")?.access).toBe("owner");
    expect(feature("PATCH", "/api/reviews/admin/x/y")?.access).toBe("owner");
    expect(feature("POST", "/api/reviews/r1")).toBeNull();
  });

  it("covers every route the product serves, features included (a new route without a rule fails here)", () => {
    const deps = { database: { sql: {} } as unknown as Database, registry: testRegistry(), hub: {} as RunEventHub, mediaRoot: "/nonexistent" };
    const app = createApp(deps, features);
    const rules = [...CORE_POLICY, ...features.flatMap((f) => {
      const m = f(deps);
      return m.access ? underPrefix(m.atRoot ? `/${m.prefix}` : `/api/${m.prefix}`, m.access) : [];
    })];
    const all = createPolicy(rules);
    const guarded = (p: string) => p.startsWith("/api/") || p.startsWith("/media/") || features.some((f) => f(deps).atRoot && p.startsWith(`/${f(deps).prefix}`));
    const routes = app.routes.filter((r) => r.method !== "ALL" && guarded(r.path));
    expect(routes.length).toBeGreaterThan(40);
    const uncovered = routes.filter((r) => !all(r.method, r.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, "x")));
    expect(uncovered.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // Only these are open to anyone: signing in, health, signed webhook deliveries and the public library.
    const publicRoutes = routes.filter((r) => all(r.method, r.path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, "x"))?.access === "public").map((r) => `${r.method} ${r.path}`);
    for (const p of publicRoutes) expect(p).toMatch(/^(GET \/api\/health|POST \/api\/auth\/(login|first-run)|POST \/hooks\/|(GET|POST) \/library)/);
  });
});
