/** The session cookie: httpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), Secure over https. */
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SESSION_COOKIE } from "./middleware.js";
import { isHttps } from "./request.js";
import type { AuthSettings } from "./settings.js";

export const secureCookie = (c: Context, s: AuthSettings) => (s.secureCookies === "auto" ? isHttps(c, s) : s.secureCookies);

export function setSessionCookie(c: Context, token: string, expiresAt: Date, settings: AuthSettings): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secureCookie(c, settings),
    path: "/",
    expires: expiresAt,
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(c: Context, settings: AuthSettings): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Lax", secure: secureCookie(c, settings) });
}
