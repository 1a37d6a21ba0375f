/**
 * Issue 10: failed sign-ins used to lock the real owner out for 15 minutes (the per-account limit
 * counted every address), so anyone could lock any account. Now the per-account limit is a growing
 * delay (429 with Retry-After, capped at a minute), and a browser that has signed in to the account
 * before (a signed device cookie) is limited on its own, so an attacker elsewhere cannot keep the
 * owner out.
 */
import { randomBytes, scryptSync } from "node:crypto";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunEventHub } from "../../engine/events.js";
import { createMember } from "../../test/auth.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { testRegistry } from "../../test/nodes.js";
import { createApp } from "../app.js";
import { deviceCookieName } from "./device-cookie.js";
import { DEFAULT_SIGN_IN_LIMITS, delayAfter } from "./rate-limit.js";
import { authSettings, authSettingsFromEnv, type AuthSettings } from "./settings.js";
import { setPassword, type User } from "./users.js";

let db: TestDatabase;
let app: Hono;
const PASSWORD = "a long enough password";
let passwordHash: string;

const makeApp = (o: Partial<AuthSettings> = {}) =>
  createApp({ database: db, registry: testRegistry(), hub: {} as RunEventHub, mediaRoot: "/nonexistent", auth: authSettings({ secretKey: randomBytes(32), trustProxy: true, ...o }) });

beforeAll(async () => {
  db = await createTestDatabase();
  app = makeApp();
  // A cheap scrypt hash in the stored format: these tests are about counting guesses, not their cost.
  const salt = randomBytes(16);
  passwordHash = `scrypt$1024$8$1$${salt.toString("base64")}$${scryptSync(PASSWORD.normalize("NFKC"), salt, 32, { N: 1024, r: 8, p: 1 }).toString("base64")}`;
});
afterAll(async () => {
  await db?.drop();
});

async function account(): Promise<User> {
  const u = await createMember(db.sql, "editor");
  await setPassword(db.sql, u.id, passwordHash);
  return u;
}

const login = (a: Hono, email: string, password: string, o: { ip: string; cookie?: string; url?: string }) =>
  a.request(o.url ?? "/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": o.ip, ...(o.cookie ? { cookie: o.cookie } : {}) },
    body: JSON.stringify({ email, password }),
  });

function deviceCookie(res: Response, user: User): { header: string; value: string; attributes: string } {
  const name = deviceCookieName(user.id);
  const set = res.headers.getSetCookie().find((h) => h.startsWith(`${name}=`));
  if (!set) throw new Error(`no device cookie for ${user.email} in ${JSON.stringify(res.headers.getSetCookie())}`);
  const [pair, ...attributes] = set.split(";");
  return { header: pair, value: pair.slice(name.length + 1), attributes: attributes.join(";") };
}

/** Failures an attacker made from many addresses, the latest `latestAgoMs` ago (as if the attack ran for a while). */
async function attackerFailures(email: string, n: number, latestAgoMs = 0): Promise<void> {
  await db.sql`
    insert into sign_in_attempts (email, ip, succeeded, at)
    select ${email}, '203.0.113.' || (i % 250), false, now() - ${latestAgoMs / 1000} * interval '1 second' - i * interval '10 ms'
    from generate_series(0, ${n - 1}) as i`;
}

const retryAfter = (r: Response) => Number(r.headers.get("retry-after"));

describe("the per-account limit is a growing delay", () => {
  it("doubles after the first few failures up to a minute, and never becomes a 15-minute lockout", async () => {
    expect([4, 5, 6, 7, 8, 11, 12, 40].map((n) => delayAfter(n, DEFAULT_SIGN_IN_LIMITS.perAccount))).toEqual([0, 1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
    const u = await account();
    const fresh = (ip: string) => login(app, u.email, PASSWORD, { ip });

    // Real failures from other addresses: the first five are answered, the sixth waits a second.
    for (let i = 0; i < 5; i++) expect((await login(app, u.email, `guess ${i}`, { ip: `198.51.100.${i}` })).status).toBe(401);
    const sixth = await fresh("192.0.2.10");
    expect(sixth.status).toBe(429);
    expect(retryAfter(sixth)).toBe(1);
    expect((await sixth.json()).error).toMatchObject({ code: "TOO_MANY_ATTEMPTS", message: expect.stringMatching(/for this account/), details: { retryAfterSec: 1 } });

    await attackerFailures(u.email, 2);
    expect(retryAfter(await fresh("192.0.2.11"))).toBe(4); // 7 failures
    await attackerFailures(u.email, 40);
    const capped = await fresh("192.0.2.12");
    expect(capped.status).toBe(429);
    expect(retryAfter(capped)).toBe(60); // 47 failures in 15 minutes: still a minute, not 15

    // A minute after the last failure the owner gets in from any browser, though the attack filled the window.
    await db.sql`update sign_in_attempts set at = at - interval '61 seconds' where email = ${u.email}`;
    expect((await fresh("192.0.2.13")).status).toBe(200);
  });
});

describe("a browser that signed in before (device cookie)", () => {
  it("lets the owner in at once with the right password while an attacker elsewhere keeps failing", async () => {
    const owner = await account();
    const first = await login(app, owner.email, PASSWORD, { ip: "10.20.0.1" });
    expect(first.status).toBe(200);
    const device = deviceCookie(first, owner);
    expect(device.attributes).toMatch(/HttpOnly/i);
    expect(device.attributes).toMatch(/SameSite=Lax/i);
    expect(device.attributes).toMatch(/Path=\/api\/auth/);
    expect(Number(/Max-Age=(\d+)/i.exec(device.attributes)?.[1])).toBeGreaterThan(300 * 24 * 3600);
    expect(device.attributes).not.toMatch(/Secure/i);

    for (let i = 0; i < 5; i++) expect((await login(app, owner.email, `guess ${i}`, { ip: `198.51.100.${50 + i}` })).status).toBe(401);
    await attackerFailures(owner.email, 100);
    expect((await login(app, owner.email, "guess again", { ip: "198.51.100.99" })).status).toBe(429);

    const back = await login(app, owner.email, PASSWORD, { ip: "10.20.0.1", cookie: device.header });
    expect(back.status).toBe(200);
    // Same browser on another network (or behind the attacker's proxy address): still in.
    const roaming = await login(app, owner.email, PASSWORD, { ip: "198.51.100.99", cookie: deviceCookie(back, owner).header });
    expect(roaming.status).toBe(200);
    // The device keeps its id across renewals (its own failure count follows it).
    expect(deviceCookie(roaming, owner).value.split(".")[2]).toBe(device.value.split(".")[2]);

    // A browser without the cookie waits the delay (at most the cap), like any stranger.
    const freshBrowser = await login(app, owner.email, PASSWORD, { ip: "10.20.0.1" });
    expect(freshBrowser.status).toBe(429);
    expect(retryAfter(freshBrowser)).toBeGreaterThanOrEqual(1);
    expect(retryAfter(freshBrowser)).toBeLessThanOrEqual(60);
  });

  it("is Secure over https", async () => {
    const u = await account();
    const res = await login(app, u.email, PASSWORD, { ip: "10.21.0.1", url: "https://studio.example/api/auth/login" });
    expect(deviceCookie(res, u).attributes).toMatch(/Secure/i);
  });

  it("counts its own failures, so it cannot be used to guess freely either", async () => {
    const u = await account();
    const device = deviceCookie(await login(app, u.email, PASSWORD, { ip: "10.22.0.1" }), u).header;
    for (let i = 0; i < 5; i++) expect((await login(app, u.email, `guess ${i}`, { ip: "10.22.0.1", cookie: device })).status).toBe(401);
    const refused = await login(app, u.email, PASSWORD, { ip: "10.22.0.1", cookie: device });
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.message).toMatch(/for this device/);
  });

  it("of account A does nothing for account B, and a forged or altered cookie is ignored", async () => {
    const a = await account();
    const b = await account();
    const aDevice = deviceCookie(await login(app, a.email, PASSWORD, { ip: "10.23.0.1" }), a);
    // A cookie another server (another secret key) signed for the same account.
    const foreign = deviceCookie(await login(makeApp(), a.email, PASSWORD, { ip: "10.23.0.9" }), a).header;
    await attackerFailures(a.email, 30);
    await attackerFailures(b.email, 30);
    const asB = (cookie: string) => login(app, b.email, PASSWORD, { ip: "10.23.0.1", cookie });
    const [version, , deviceId, issuedAt, signature] = aDevice.value.split(".");
    const bName = deviceCookieName(b.id);

    expect((await asB(aDevice.header)).status).toBe(429);
    expect((await asB(`${bName}=${aDevice.value}`)).status).toBe(429); // A's cookie under B's name
    expect((await asB(`${bName}=${[version, b.id, deviceId, issuedAt, signature].join(".")}`)).status).toBe(429); // re-addressed, old signature
    expect((await asB(`${bName}=${[version, b.id, deviceId, issuedAt, randomBytes(32).toString("base64url")].join(".")}`)).status).toBe(429);
    const altered = [version, a.id, randomBytes(16).toString("base64url"), issuedAt, signature].join(".");
    expect((await login(app, a.email, PASSWORD, { ip: "10.23.0.1", cookie: `${deviceCookieName(a.id)}=${altered}` })).status).toBe(429);
    expect((await login(app, a.email, PASSWORD, { ip: "10.23.0.1", cookie: foreign })).status).toBe(429);

    expect((await login(app, a.email, PASSWORD, { ip: "10.23.0.1", cookie: aDevice.header })).status).toBe(200);
  });
});

describe("the client address behind a proxy", () => {
  it("comes from X-Forwarded-For only with GENJED_TRUST_PROXY", async () => {
    expect(authSettingsFromEnv({ GENJED_TRUST_PROXY: "1" }, null).trustProxy).toBe(true);
    expect(authSettingsFromEnv({}, null).trustProxy).toBe(false);
    const u = await account();
    await login(makeApp({ trustProxy: false }), u.email, "wrong password", { ip: "10.30.0.1" });
    await login(app, u.email, "wrong password", { ip: "10.30.0.2" });
    const rows = await db.sql<{ ip: string }[]>`select ip from sign_in_attempts where email = ${u.email} order by id`;
    expect(rows.map((r) => r.ip)).toEqual(["unknown", "10.30.0.2"]);
  });
});
