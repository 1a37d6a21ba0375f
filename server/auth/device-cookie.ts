/**
 * Trusted devices: a browser that has signed in to an account gets a long-lived signed cookie
 * naming that account and a random device id. A sign-in to that account carrying it is counted
 * against the device's own limit instead of the account's and the address's (rate-limit.ts), so
 * failures from anywhere else can slow strangers down but never keep the owner's own browser out.
 *
 * The cookie grants nothing by itself (the password is still checked); it is httpOnly, SameSite=Lax,
 * Secure over https, and signed with HMAC-SHA256 under a key derived from the server's secret key
 * (a forged or altered cookie is ignored, and a cookie for account A does nothing for account B).
 * Without a secret key the signing key lives only as long as the process.
 */
import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { secureCookie } from "./cookies.js";
import type { AuthSettings } from "./settings.js";
import { sameSecret } from "./tokens.js";

/** Browsers keep a cookie at most 400 days; each sign-in renews it. */
export const DEVICE_COOKIE_MAX_AGE_SEC = 400 * 24 * 3600;
const VERSION = "d1";

/** One cookie per account, so a browser shared by two people is trusted for both. */
export const deviceCookieName = (userId: string) => `genjed_device_${userId.replace(/-/g, "")}`;

const processKey = randomBytes(32);
const keys = new WeakMap<Buffer, Buffer>();
function signingKey(settings: Pick<AuthSettings, "secretKey">): Buffer {
  const secret = settings.secretKey ?? processKey;
  let key = keys.get(secret);
  if (!key) {
    // A key of its own (HKDF), so the cookie signature never uses the key that encrypts secrets directly.
    key = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "genjed device cookie v1", 32));
    keys.set(secret, key);
  }
  return key;
}

const sign = (settings: Pick<AuthSettings, "secretKey">, payload: string) => createHmac("sha256", signingKey(settings)).update(payload).digest("base64url");

/** The device id of a valid cookie this browser holds for `userId`, or null (absent, forged, expired, other account). */
export function trustedDevice(c: Context, settings: Pick<AuthSettings, "secretKey">, userId: string): string | null {
  const value = getCookie(c, deviceCookieName(userId));
  const parts = value?.split(".");
  if (!parts || parts.length !== 5) return null;
  const [version, forUser, device, issuedAt, signature] = parts;
  if (version !== VERSION || forUser !== userId || !/^[A-Za-z0-9_-]{22}$/.test(device)) return null;
  if (!sameSecret(signature, sign(settings, parts.slice(0, 4).join(".")))) return null;
  const ageSec = Date.now() / 1000 - Number(issuedAt);
  return Number.isFinite(ageSec) && ageSec >= -60 && ageSec <= DEVICE_COOKIE_MAX_AGE_SEC ? device : null;
}

/** After a successful sign-in: (re)issue the cookie, keeping the device id the browser already had. */
export function setDeviceCookie(c: Context, settings: AuthSettings, userId: string, device: string | null): void {
  const payload = [VERSION, userId, device ?? randomBytes(16).toString("base64url"), String(Math.floor(Date.now() / 1000))].join(".");
  setCookie(c, deviceCookieName(userId), `${payload}.${sign(settings, payload)}`, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookie(c, settings),
    path: "/api/auth",
    maxAge: DEVICE_COOKIE_MAX_AGE_SEC,
  });
}
