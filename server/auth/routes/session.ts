/**
 * Signing in and out: POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me,
 * POST /api/auth/first-run (use a one-time sign-in link and choose a password),
 * PUT /api/auth/password.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Sql } from "../../../db/index.js";
import type { ServerDeps } from "../../deps.js";
import { ApiError, errorResponse } from "../../errors.js";
import { route } from "../../route.js";
import { writeAudit } from "../audit.js";
import { clearSessionCookie, setSessionCookie } from "../cookies.js";
import { setDeviceCookie, trustedDevice } from "../device-cookie.js";
import { identityOf, resolveWorkspace, WORKSPACE_HEADER, WORKSPACE_QUERY, type Identity } from "../middleware.js";
import { burnPasswordCheck, hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from "../passwords.js";
import { beginSignInAttempt, endSignInAttempt } from "../rate-limit.js";
import { clientIp } from "../request.js";
import { createSession, deleteSession } from "../sessions.js";
import type { AuthSettings } from "../settings.js";
import { consumeSignInLink } from "../sign-in-links.js";
import { csrfTokenFor } from "../tokens.js";
import { findUserByEmail, getUser, setPassword, updateProfile, type User } from "../users.js";
import { workspacesOf } from "../workspaces.js";

const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

const LoginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
const FirstRunBody = z.object({ token: z.string().min(20).max(200), password: Password, name: z.string().trim().min(1).max(100).optional(), email: z.email().max(320).optional() });
const PasswordBody = z.object({ currentPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH), newPassword: Password });

/** What a signed-in client needs: who, their workspaces, the current one, and (cookie sessions) the CSRF token. */
export async function signedInView(c: Context, sql: Sql, identity: Identity) {
  const workspaces = await workspacesOf(sql, identity.user.id);
  const requested = c.req.header(WORKSPACE_HEADER) ?? c.req.query(WORKSPACE_QUERY);
  const current = (requested ? await resolveWorkspace(sql, identity.user.id, requested) : null) ?? workspaces[0] ?? null;
  return {
    user: identity.user,
    via: identity.via,
    workspaces,
    workspace: current,
    ...(identity.via === "session" ? { csrfToken: csrfTokenFor(identity.sessionToken!) } : {}),
  };
}

export function sessionRoutes(deps: ServerDeps, settings: AuthSettings) {
  const app = new Hono();
  const { sql } = deps.database;

  async function startSession(c: Context, user: User): Promise<Identity> {
    const s = await createSession(sql, user.id, { userAgent: c.req.header("user-agent"), ip: clientIp(c, settings) });
    setSessionCookie(c, s.token, s.expiresAt, settings);
    return { user, via: "session", sessionId: s.id, sessionToken: s.token };
  }

  route(app, { method: "POST", path: "/login", summary: "Sign in with email and password", body: LoginBody }, async (c, { body }) => {
    const ip = clientIp(c, settings);
    const user = await findUserByEmail(sql, body.email);
    // A browser that signed in to this account before is limited on its own, not by others' failures.
    const device = user ? trustedDevice(c, settings, user.id) : null;
    const attempt = await beginSignInAttempt(sql, body.email, { ip, device }, settings.signInLimits);
    if (!attempt.allowed) {
      c.header("Retry-After", String(attempt.retryAfterSec));
      return errorResponse(c, 429, "TOO_MANY_ATTEMPTS", `too many failed sign-ins for this ${attempt.scope}; try again in ${attempt.retryAfterSec} s`, {
        retryAfterSec: attempt.retryAfterSec,
      });
    }
    // Same work whether or not the account exists or has a password yet: timing tells nothing.
    const ok = user?.passwordHash ? await verifyPassword(body.password, user.passwordHash) : await burnPasswordCheck(body.password);
    await endSignInAttempt(sql, attempt.attemptId, ok);
    if (!user || !ok) {
      if (user) await writeAudit(sql, { user, action: "auth.login_failed", ip });
      throw new ApiError(401, "INVALID_CREDENTIALS", "wrong email address or password");
    }
    const me: User = { id: user.id, email: user.email, name: user.name };
    const identity = await startSession(c, me);
    setDeviceCookie(c, settings, me.id, device);
    await writeAudit(sql, { user: me, action: "auth.login", ip });
    return c.json(await signedInView(c, sql, identity));
  });

  route(app, { method: "POST", path: "/first-run", summary: "Use a one-time sign-in link and choose a password", body: FirstRunBody }, async (c, { body }) => {
    const passwordHash = await hashPassword(body.password);
    const userId = await sql.begin(async (tx) => {
      const id = await consumeSignInLink(tx, body.token);
      if (!id) return null;
      if (body.email) {
        const taken = await findUserByEmail(tx, body.email);
        if (taken && taken.id !== id) throw new ApiError(409, "EMAIL_TAKEN", `another account already uses ${body.email}`);
      }
      await updateProfile(tx, id, { name: body.name, email: body.email });
      await setPassword(tx, id, passwordHash);
      return id;
    });
    if (!userId) throw new ApiError(400, "INVALID_LINK", "this sign-in link is not valid: it was already used, has expired, or was replaced by a newer one");
    const user = (await getUser(sql, userId))!;
    const identity = await startSession(c, user);
    setDeviceCookie(c, settings, user.id, trustedDevice(c, settings, user.id));
    await writeAudit(sql, { user, action: "auth.first_run", ip: clientIp(c, settings) });
    return c.json(await signedInView(c, sql, identity));
  });

  route(app, { method: "GET", path: "/me", summary: "Who is signed in, their workspaces and the CSRF token" }, async (c) => c.json(await signedInView(c, sql, identityOf(c))));

  route(app, { method: "POST", path: "/logout", summary: "Sign out this session" }, async (c) => {
    const identity = identityOf(c);
    if (identity.sessionId) await deleteSession(sql, identity.sessionId);
    clearSessionCookie(c, settings);
    await writeAudit(sql, { user: identity.user, action: "auth.logout", ip: clientIp(c, settings) });
    return c.json({ ok: true });
  });

  route(app, { method: "PUT", path: "/password", summary: "Change your password (signs out other sessions)", body: PasswordBody }, async (c, { body }) => {
    const identity = identityOf(c);
    const ip = clientIp(c, settings);
    // Checking the current password is a sign-in attempt like any other (a stolen session must not guess it freely).
    const attempt = await beginSignInAttempt(sql, identity.user.email, { ip, device: trustedDevice(c, settings, identity.user.id) }, settings.signInLimits);
    if (!attempt.allowed) {
      c.header("Retry-After", String(attempt.retryAfterSec));
      return errorResponse(c, 429, "TOO_MANY_ATTEMPTS", `too many failed attempts; try again in ${attempt.retryAfterSec} s`, { retryAfterSec: attempt.retryAfterSec });
    }
    const user = await findUserByEmail(sql, identity.user.email);
    const ok = !!user?.passwordHash && (await verifyPassword(body.currentPassword, user.passwordHash));
    await endSignInAttempt(sql, attempt.attemptId, ok);
    if (!ok) throw new ApiError(400, "WRONG_PASSWORD", "currentPassword is not your current password");
    // Signs out every other session and browser; this one gets a new session.
    await setPassword(sql, identity.user.id, await hashPassword(body.newPassword));
    const fresh = await startSession(c, identity.user);
    await writeAudit(sql, { user: identity.user, action: "auth.password_changed", ip });
    return c.json(await signedInView(c, sql, fresh));
  });

  return app;
}
