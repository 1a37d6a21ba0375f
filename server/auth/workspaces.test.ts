/** Owners run their workspace: members and invitations, roles, spending limits, and the audit trail of it all. */
import { randomBytes } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEventHub } from "../../engine/events.js";
import { asSession, createMember, sessionFor, type Requester } from "../../test/auth.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp } from "../app.js";
import { authSettings } from "./settings.js";

let db: TestDatabase;
let app: Hono;
let owner: Requester;
let ownerId: string;
let ws: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createApp({ database: db, registry: testRegistry(), hub: {} as RunEventHub, mediaRoot: "/nonexistent", auth: authSettings({ secretKey: randomBytes(32) }) });
  const o = await createMember(db.sql, "owner", { email: "olga@studio.example" });
  ownerId = o.id;
  ws = o.workspaceId;
  owner = asSession(app, await sessionFor(db.sql, o));
});
afterAll(async () => {
  await db?.drop();
});

const send = (as: Requester, method: string, url: string, body?: unknown) =>
  as.request(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("members", () => {
  it("invites a new address with a one-time sign-in link; the invitee chooses a password and arrives with that role", async () => {
    const invited = await send(owner, "POST", `/api/workspaces/${ws}/members`, { email: "Ravi@Studio.example", role: "reviewer", name: "Ravi" });
    expect(invited.status).toBe(201);
    const body = await invited.json();
    expect(body).toMatchObject({ member: { email: "ravi@studio.example", name: "Ravi", role: "reviewer", pending: true }, signInPath: expect.stringMatching(/^\/first-run#token=/) });
    const token = body.signInPath.split("token=")[1];
    const used = await app.request("/api/auth/first-run", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: "ravi's own password" }) });
    expect(used.status).toBe(200);
    expect((await used.json()).workspaces).toMatchObject([{ id: ws, role: "reviewer" }]);
    const members = await (await send(owner, "GET", `/api/workspaces/${ws}/members`)).json();
    expect(members.find((m: { email: string }) => m.email === "ravi@studio.example")).toMatchObject({ role: "reviewer", pending: false });

    const again = await send(owner, "POST", `/api/workspaces/${ws}/members`, { email: "ravi@studio.example", role: "viewer" });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("ALREADY_MEMBER");
    const badRole = await send(owner, "POST", `/api/workspaces/${ws}/members`, { email: "x@studio.example", role: "admin" });
    expect(badRole.status).toBe(400);
    expect((await badRole.json()).error.message).toMatch(/role/);
  });

  it("adds an existing account without a link, changes roles, removes members, and always keeps an owner", async () => {
    const existing = await createMember(db.sql, "viewer", { workspaceId: (await db.sql<{ id: string }[]>`insert into workspaces (name) values ('elsewhere') returning id`)[0].id });
    await db.sql`update users set password_hash = 'scrypt$1$1$1$x$y' where id = ${existing.id}`;
    const added = await (await send(owner, "POST", `/api/workspaces/${ws}/members`, { email: existing.email, role: "editor" })).json();
    expect(added.signInPath).toBeUndefined();
    expect(added.member).toMatchObject({ userId: existing.id, role: "editor" });

    const promoted = await send(owner, "PATCH", `/api/workspaces/${ws}/members/${existing.id}`, { role: "owner" });
    expect(await promoted.json()).toMatchObject({ role: "owner" });
    // Two owners: one may step down; then the last one may not.
    expect((await send(owner, "PATCH", `/api/workspaces/${ws}/members/${existing.id}`, { role: "viewer" })).status).toBe(200);
    const lastDemote = await send(owner, "PATCH", `/api/workspaces/${ws}/members/${ownerId}`, { role: "editor" });
    expect(lastDemote.status).toBe(409);
    expect((await lastDemote.json()).error.code).toBe("LAST_OWNER");
    expect((await send(owner, "DELETE", `/api/workspaces/${ws}/members/${ownerId}`)).status).toBe(409);
    expect((await send(owner, "DELETE", `/api/workspaces/${ws}/members/${existing.id}`)).status).toBe(204);
    expect((await send(owner, "DELETE", `/api/workspaces/${ws}/members/${existing.id}`)).status).toBe(404);
    // Removed from this workspace, still a member of their own.
    expect(await db.sql`select 1 from memberships where user_id = ${existing.id}`).toHaveLength(1);
  });

  it("anyone signed in can start a workspace of their own and is its owner", async () => {
    const someone = asSession(app, await sessionFor(db.sql, await createMember(db.sql, "viewer")));
    const created = await send(someone, "POST", "/api/workspaces", { name: "Side project" });
    expect(created.status).toBe(201);
    const w = await created.json();
    expect(w).toMatchObject({ name: "Side project", role: "owner", isDefault: false });
    expect((await (await send(someone, "GET", "/api/workspaces")).json()).map((x: { role: string }) => x.role).sort()).toEqual(["owner", "viewer"]);
    expect((await send(someone, "PUT", `/api/workspaces/${w.id}/limits`, { dailyCapUsd: 5 })).status).toBe(200);
  });
});

describe("spending limits", () => {
  it("reads and sets the default run budget and daily cap, with the last day's spend; refuses negative amounts", async () => {
    expect(await (await send(owner, "GET", `/api/workspaces/${ws}/limits`)).json()).toEqual({ defaultRunBudgetUsd: null, dailyCapUsd: null, spentLast24hUsd: 0, runningUsd: 0 });
    const put = await send(owner, "PUT", `/api/workspaces/${ws}/limits`, { dailyCapUsd: 25, defaultRunBudgetUsd: 2.5 });
    expect(await put.json()).toEqual({ dailyCapUsd: 25, defaultRunBudgetUsd: 2.5 });
    expect((await send(owner, "PUT", `/api/workspaces/${ws}/limits`, { defaultRunBudgetUsd: null })).status).toBe(200);
    expect(await (await send(owner, "GET", `/api/workspaces/${ws}/limits`)).json()).toMatchObject({ defaultRunBudgetUsd: null, dailyCapUsd: 25 });
    const negative = await send(owner, "PUT", `/api/workspaces/${ws}/limits`, { dailyCapUsd: -1 });
    expect(negative.status).toBe(400);
    expect((await negative.json()).error.message).toMatch(/dailyCapUsd/);
  });
});

describe("audit log", () => {
  it("shows owners who changed members, roles, secrets and limits, and when; never a secret's value", async () => {
    const value = `tok_${randomBytes(10).toString("hex")}`;
    await send(owner, "PUT", `/api/workspaces/${ws}/secrets/WEBHOOK_KEY`, { value });
    await send(owner, "DELETE", `/api/workspaces/${ws}/secrets/WEBHOOK_KEY`);
    const res = await send(owner, "GET", "/api/audit?limit=50");
    const text = await res.clone().text();
    expect(text).not.toContain(value);
    const entries: { action: string; actor: string; target: string | null; details: Record<string, unknown>; at: string }[] = await res.json();
    const actions = entries.map((e) => e.action);
    for (const a of ["member.add", "member.role", "member.remove", "secret.set", "secret.delete", "limits.update", "auth.first_run"]) expect(actions).toContain(a);
    const role = entries.find((e) => e.action === "member.role" && e.details.to === "owner")!;
    expect(role).toMatchObject({ actor: "olga@studio.example", details: { from: "editor", to: "owner" } });
    expect(new Date(role.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(entries.find((e) => e.action === "secret.set")).toMatchObject({ target: "WEBHOOK_KEY", details: { created: true } });
    // Newest first, and pages with ?before=.
    const ids = entries.map((e) => (e as unknown as { id: number }).id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const page = await (await send(owner, "GET", `/api/audit?before=${ids[1]}&limit=1`)).json();
    expect(page.map((e: { id: number }) => e.id)).toEqual([ids[2]]);
    expect((await send(owner, "GET", "/api/audit?limit=zero")).status).toBe(400);
  });
});
