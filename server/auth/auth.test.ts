/** Signing in and staying signed in: passwords, sessions, API tokens, CSRF, rate limits, sign-in links. */
import { createHash, randomBytes } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEventHub } from "../../engine/events.js";
import { apiTokenFor, asSession, asToken, createMember, defaultWorkspaceId, sessionFor, type Requester } from "../../test/auth.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp } from "../app.js";
import { ensureOwner } from "./owner.js";
import { hashPassword } from "./passwords.js";
import { authSettings, type AuthSettings } from "./settings.js";
import { setPassword } from "./users.js";

let db: TestDatabase;
let app: Hono;
const PASSWORD = "a long enough password";

const makeApp = (database: TestDatabase, o: Partial<AuthSettings> = {}) =>
  createApp({
    database,
    registry: testRegistry(),
    hub: {} as RunEventHub,
    mediaRoot: "/nonexistent",
    auth: authSettings({ secretKey: randomBytes(32), trustProxy: true, ...o }),
  });

beforeAll(async () => {
  db = await createTestDatabase();
  app = makeApp(db);
});
afterAll(async () => {
  await db?.drop();
});

const post = (a: Requester, url: string, body: unknown, headers: Record<string, string> = {}) =>
  a.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

async function userWithPassword(role: "owner" | "editor" | "viewer" = "editor", password = PASSWORD) {
  const u = await createMember(db.sql, role);
  await setPassword(db.sql, u.id, await hashPassword(password));
  return u;
}

function sessionCookie(res: Response): { value: string; attributes: string } {
  const header = res.headers.get("set-cookie") ?? "";
  const m = /genjed_session=([^;]*);?(.*)/.exec(header);
  if (!m) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return { value: m[1], attributes: m[2] };
}

describe("signing in with a password", () => {
  it("sets an httpOnly SameSite=Lax session cookie (Secure over https), stores only its hash, and returns the CSRF token", async () => {
    const u = await userWithPassword();
    const res = await post(app, "/api/auth/login", { email: u.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ user: { id: u.id, email: u.email }, via: "session", workspaces: [{ role: "editor" }], workspace: { id: u.workspaceId } });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const cookie = sessionCookie(res);
    expect(cookie.attributes).toMatch(/HttpOnly/i);
    expect(cookie.attributes).toMatch(/SameSite=Lax/i);
    expect(cookie.attributes).toMatch(/Path=\//);
    expect(cookie.attributes).not.toMatch(/Secure/i);
    const rows = await db.sql<{ tokenHash: string }[]>`select token_hash as "tokenHash" from sessions where user_id = ${u.id}`;
    expect(rows).toEqual([{ tokenHash: createHash("sha256").update(cookie.value).digest("hex") }]);

    const https = await app.request("https://studio.example/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: u.email, password: PASSWORD }) });
    expect(sessionCookie(https).attributes).toMatch(/Secure/i);

    const me = await app.request("/api/auth/me", { headers: { cookie: `genjed_session=${cookie.value}` } });
    expect(await me.json()).toMatchObject({ user: { id: u.id }, csrfToken: body.csrfToken });
  });

  it("answers a wrong password and an unknown address the same way, and never with a session", async () => {
    const u = await userWithPassword();
    const wrong = await post(app, "/api/auth/login", { email: u.email, password: "not the password" }, { "x-forwarded-for": "10.1.0.1" });
    const unknown = await post(app, "/api/auth/login", { email: "nobody@test.local", password: "not the password" }, { "x-forwarded-for": "10.1.0.1" });
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.headers.get("set-cookie")).toBeNull();
      expect((await r.json()).error).toEqual({ code: "INVALID_CREDENTIALS", message: "wrong email address or password" });
    }
    // An invited account that has not chosen a password cannot be signed into at all.
    const pending = await createMember(db.sql, "viewer");
    expect((await post(app, "/api/auth/login", { email: pending.email, password: "" })).status).toBe(400);
    expect((await post(app, "/api/auth/login", { email: pending.email, password: "anything at all" }, { "x-forwarded-for": "10.1.0.2" })).status).toBe(401);
  });

  it("signs out: the session row is gone and the old cookie no longer works", async () => {
    const u = await userWithPassword();
    const res = await post(app, "/api/auth/login", { email: u.email, password: PASSWORD });
    const { csrfToken } = await res.json();
    const cookie = `genjed_session=${sessionCookie(res).value}`;
    const out = await app.request("/api/auth/logout", { method: "POST", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/genjed_session=;.*Max-Age=0/i);
    expect((await app.request("/api/auth/me", { headers: { cookie } })).status).toBe(401);
    expect(await db.sql`select 1 from sessions where user_id = ${u.id}`).toHaveLength(0);
  });
});

describe("sessions and tokens that must not work", () => {
  it("refuses a forged session cookie and an expired session (which is deleted)", async () => {
    const u = await createMember(db.sql, "owner");
    expect((await app.request("/api/graphs", { headers: { cookie: `genjed_session=${randomBytes(32).toString("base64url")}` } })).status).toBe(401);
    const s = await sessionFor(db.sql, u);
    expect((await asSession(app, s).request("/api/graphs")).status).toBe(200);
    await db.sql`update sessions set expires_at = now() - interval '1 second' where token_hash = ${createHash("sha256").update(s.token).digest("hex")}`;
    const expired = await asSession(app, s).request("/api/graphs");
    expect(expired.status).toBe(401);
    expect((await expired.json()).error.code).toBe("UNAUTHENTICATED");
    expect(await db.sql`select 1 from sessions where user_id = ${u.id}`).toHaveLength(0);
  });

  it("API tokens: shown once, stored hashed, work as Bearer without CSRF, and stop working when deleted or expired", async () => {
    const u = await createMember(db.sql, "editor");
    const s = asSession(app, await sessionFor(db.sql, u));
    const created = await post(s, "/api/tokens", { name: "ci", expiresInDays: 30 });
    expect(created.status).toBe(201);
    const t = await created.json();
    expect(t.token).toMatch(/^gj_[A-Za-z0-9_-]{43}$/);
    expect(t).toMatchObject({ name: "ci", last4: t.token.slice(-4), expiresAt: expect.any(String) });

    const listed = await (await s.request("/api/tokens")).text();
    expect(listed).toContain(t.id);
    expect(listed).not.toContain(t.token);
    const [row] = await db.sql<{ tokenHash: string }[]>`select token_hash as "tokenHash" from api_tokens where id = ${t.id}`;
    expect(row.tokenHash).toBe(createHash("sha256").update(t.token).digest("hex"));

    const bearer = asToken(app, t.token);
    // No cookie, no CSRF token: a Bearer credential is never sent by a browser on its own.
    const g = await post(bearer, "/api/graphs", { name: "from a script" });
    expect(g.status).toBe(201);
    expect((await (await bearer.request("/api/auth/me")).json())).toMatchObject({ via: "token", user: { id: u.id } });
    expect((await s.request(`/api/tokens/${t.id}`, { method: "DELETE" })).status).toBe(204);
    const revoked = await bearer.request("/api/graphs");
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).error.message).toMatch(/API token is invalid, revoked or expired/);

    const old = await apiTokenFor(db.sql, u);
    await db.sql`update api_tokens set expires_at = now() - interval '1 minute' where token_hash = ${createHash("sha256").update(old).digest("hex")}`;
    expect((await asToken(app, old).request("/api/graphs")).status).toBe(401);
  });

  it("refuses forged and malformed Authorization headers even when a valid cookie comes along", async () => {
    const u = await createMember(db.sql, "owner");
    const s = await sessionFor(db.sql, u);
    for (const authorization of [`Bearer gj_${randomBytes(32).toString("base64url")}`, "Bearer not-even-ours", "Basic dXNlcjpwYXNz"]) {
      const r = await app.request("/api/graphs", { headers: { authorization, cookie: s.cookie } });
      expect(r.status, authorization).toBe(401);
    }
  });
});

describe("CSRF on cookie-authenticated writes", () => {
  it("refuses a write without the token, with a wrong or another session's token, or from a foreign Origin", async () => {
    const u = await createMember(db.sql, "editor");
    const s = await sessionFor(db.sql, u);
    const other = await sessionFor(db.sql, u);
    const body = JSON.stringify({ name: "csrf" });
    const attempt = (headers: Record<string, string>) =>
      app.request("http://studio.local:4280/api/graphs", { method: "POST", headers: { "content-type": "application/json", cookie: s.cookie, ...headers }, body });

    const cases: [string, Record<string, string>][] = [
      ["no token", {}],
      ["wrong token", { "x-csrf-token": "x".repeat(43) }],
      ["another session's token", { "x-csrf-token": other.csrf }],
      ["foreign origin", { "x-csrf-token": s.csrf, origin: "http://evil.example" }],
      ["lookalike origin", { "x-csrf-token": s.csrf, origin: "http://studio.local:4280.evil.example" }],
      ["opaque origin", { "x-csrf-token": s.csrf, origin: "null" }],
    ];
    for (const [what, headers] of cases) {
      const r = await attempt(headers);
      expect(r.status, what).toBe(403);
      expect((await r.json()).error.code, what).toBe("CSRF");
    }
    expect(await db.sql`select 1 from graphs where name = 'csrf'`).toHaveLength(0);

    expect((await attempt({ "x-csrf-token": s.csrf, origin: "http://studio.local:4280" })).status).toBe(201);
    expect((await attempt({ "x-csrf-token": s.csrf })).status).toBe(201);
    // Reads need no token.
    expect((await app.request("/api/graphs", { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  it("accepts an Origin listed in GENJED_ALLOWED_ORIGINS", async () => {
    const listed = makeApp(db, { allowedOrigins: ["https://studio.example.com"] });
    const s = await sessionFor(db.sql, await createMember(db.sql, "editor"));
    const r = await post(listed, "/api/graphs", { name: "allowed" }, { cookie: s.cookie, "x-csrf-token": s.csrf, origin: "https://studio.example.com" });
    expect(r.status).toBe(201);
  });
});

describe("brute-force sign-in (the growing delay and trusted devices: sign-in-limits.test.ts)", () => {
  it("limits one account over many addresses, and one address over many accounts", async () => {
    const strict = makeApp(db, {
      signInLimits: {
        perAccount: { free: 3, baseMs: 60_000, capMs: 60_000, windowMs: 60_000 },
        perDevice: { free: 3, baseMs: 60_000, capMs: 60_000, windowMs: 60_000 },
        perAddress: { max: 3, windowMs: 60_000 },
      },
    });
    const target = await userWithPassword("owner");
    for (let i = 0; i < 3; i++) expect((await post(strict, "/api/auth/login", { email: target.email, password: "wrong password" }, { "x-forwarded-for": `10.3.0.${i}` })).status).toBe(401);
    const spread = await post(strict, "/api/auth/login", { email: target.email, password: PASSWORD }, { "x-forwarded-for": "10.3.0.99" });
    expect(spread.status).toBe(429);
    expect((await spread.json()).error.message).toMatch(/for this account/);

    for (let i = 0; i < 3; i++) expect((await post(strict, "/api/auth/login", { email: `victim${i}@test.local`, password: "Summer2024!!" }, { "x-forwarded-for": "10.4.0.1" })).status).toBe(401);
    const spray = await post(strict, "/api/auth/login", { email: "victim9@test.local", password: "Summer2024!!" }, { "x-forwarded-for": "10.4.0.1" });
    expect(spray.status).toBe(429);
    expect((await spray.json()).error.message).toMatch(/for this address/);
    expect(Number(spray.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("counts attempts that are still being checked, so a parallel burst cannot slip under the limit", async () => {
    const u = await userWithPassword("viewer");
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => post(app, "/api/auth/login", { email: u.email, password: `parallel ${i}` }, { "x-forwarded-for": "10.5.0.1" })));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
  });

  it("writes failed and successful sign-ins of members to the audit log", async () => {
    const u = await userWithPassword("viewer");
    await post(app, "/api/auth/login", { email: u.email, password: "wrong password" }, { "x-forwarded-for": "10.6.0.1" });
    await post(app, "/api/auth/login", { email: u.email, password: PASSWORD }, { "x-forwarded-for": "10.6.0.1" });
    const rows = await db.sql<{ action: string; ip: string }[]>`select action, ip from audit_log where user_id = ${u.id} order by id`;
    expect(rows).toEqual([
      { action: "auth.login_failed", ip: "10.6.0.1" },
      { action: "auth.login", ip: "10.6.0.1" },
    ]);
  });
});

describe("first start and sign-in links", () => {
  it("creates the owner with a one-time link; using it sets the password and signs in, once", async () => {
    const fresh = await createTestDatabase();
    try {
      const a = makeApp(fresh);
      const setup = await ensureOwner(fresh, { env: {} });
      expect(setup.createdEmail).toBe("owner@localhost");
      expect(setup.signInPath).toMatch(/^\/first-run#token=[A-Za-z0-9_-]{43}$/);
      // Until someone signs in, each start replaces the link.
      const again = await ensureOwner(fresh, { env: {} });
      expect(again.createdEmail).toBeNull();
      const token = again.signInPath!.split("token=")[1];
      expect((await post(a, "/api/auth/first-run", { token: setup.signInPath!.split("token=")[1], password: PASSWORD })).status).toBe(400);

      const short = await post(a, "/api/auth/first-run", { token, password: "short" });
      expect(short.status).toBe(400);
      expect((await short.json()).error.message).toMatch(/password: must be at least 10 characters/);
      const used = await post(a, "/api/auth/first-run", { token, password: PASSWORD, name: "Ada", email: "ada@studio.example" });
      expect(used.status).toBe(200);
      const body = await used.json();
      expect(body).toMatchObject({ user: { email: "ada@studio.example", name: "Ada" }, workspaces: [{ role: "owner", isDefault: true, id: await defaultWorkspaceId(fresh.sql) }] });
      expect(sessionCookie(used).value).not.toBe("");
      const reuse = await post(a, "/api/auth/first-run", { token, password: PASSWORD });
      expect(reuse.status).toBe(400);
      expect((await reuse.json()).error.code).toBe("INVALID_LINK");
      expect((await post(a, "/api/auth/login", { email: "ada@studio.example", password: PASSWORD })).status).toBe(200);
      // Someone can sign in now: later starts print nothing.
      expect(await ensureOwner(fresh, { env: {} })).toEqual({ signInPath: null, createdEmail: null });
    } finally {
      await fresh.drop();
    }
  });

  it("takes GENJED_ADMIN_EMAIL and GENJED_ADMIN_PASSWORD instead of a link, and checks them", async () => {
    const fresh = await createTestDatabase();
    try {
      await expect(ensureOwner(fresh, { env: { GENJED_ADMIN_EMAIL: "boss@studio.example", GENJED_ADMIN_PASSWORD: "short" } })).rejects.toThrow(/at least 10 characters/);
      await expect(ensureOwner(fresh, { env: { GENJED_ADMIN_PASSWORD: PASSWORD } })).rejects.toThrow(/needs GENJED_ADMIN_EMAIL/);
      const logs: string[] = [];
      const setup = await ensureOwner(fresh, { env: { GENJED_ADMIN_EMAIL: "Boss@Studio.example", GENJED_ADMIN_PASSWORD: PASSWORD }, log: (m) => logs.push(m) });
      expect(setup).toEqual({ signInPath: null, createdEmail: "boss@studio.example" });
      expect(logs.join("\n")).not.toContain(PASSWORD);
      const r = await post(makeApp(fresh), "/api/auth/login", { email: "boss@studio.example", password: PASSWORD });
      expect(r.status).toBe(200);
      expect((await r.json()).workspaces).toMatchObject([{ role: "owner", isDefault: true }]);
    } finally {
      await fresh.drop();
    }
  });

  it("changing the password needs the current one and signs out other sessions", async () => {
    const u = await userWithPassword("viewer");
    const mine = await sessionFor(db.sql, u);
    const elsewhere = await sessionFor(db.sql, u);
    const put = (body: unknown) => asSession(app, mine).request("/api/auth/password", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await put({ currentPassword: "not it at all", newPassword: "another long password" })).status).toBe(400);
    const ok = await put({ currentPassword: PASSWORD, newPassword: "another long password" });
    expect(ok.status).toBe(200);
    const fresh = `genjed_session=${sessionCookie(ok).value}`;
    expect((await app.request("/api/auth/me", { headers: { cookie: fresh } })).status).toBe(200);
    expect((await asSession(app, elsewhere).request("/api/auth/me")).status).toBe(401);
    expect((await asSession(app, mine).request("/api/auth/me")).status).toBe(401);
    expect((await post(app, "/api/auth/login", { email: u.email, password: "another long password" }, { "x-forwarded-for": "10.7.0.1" })).status).toBe(200);
  });
});

describe("unauthenticated requests", () => {
  it("a path no rule covers still needs a signed-in caller (a forgotten rule never makes a route public)", async () => {
    const anonymous = await app.request("/api/no-such-route");
    expect(anonymous.status).toBe(401);
    const s = await sessionFor(db.sql, await createMember(db.sql, "viewer"));
    expect((await asSession(app, s).request("/api/no-such-route")).status).toBe(404);
    expect((await app.request("/media/not-a-hash/extra")).status).toBe(401);
  });

  it("get 401 on every covered route, but health and sign-in stay open", async () => {
    expect((await app.request("/api/health")).status).toBe(200);
    for (const [method, url] of [["GET", "/api/graphs"], ["POST", "/api/runs"], ["GET", "/api/node-types"], ["GET", "/media/" + "a".repeat(64)], ["GET", "/api/auth/me"], ["GET", "/api/audit"]]) {
      const r = await app.request(url, { method });
      expect(r.status, `${method} ${url}`).toBe(401);
      expect((await r.json()).error.code).toBe("UNAUTHENTICATED");
    }
  });
});
