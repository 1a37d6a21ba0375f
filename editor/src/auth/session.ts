/**
 * Who is signed in (GET /api/auth/me), signing in and out, and the CSRF token that
 * cookie-authenticated writes must carry. Kept apart from api/client.ts (which reads this store)
 * so the client can mark the session as ended when any call answers 401.
 */
import { createStore } from "../lib/store.js";

export interface Me {
  user: { id: string; email: string; name: string | null };
  via: "session" | "token";
  workspaces: { id: string; name: string; role: string }[];
  workspace: { id: string; name: string; role: string } | null;
  csrfToken?: string;
}

export type AuthStatus = "unknown" | "signed-in" | "signed-out" | "unreachable";

export const auth = createStore<{ status: AuthStatus; me: Me | null }>({ status: "unknown", me: null });

export const csrfToken = () => auth.get().me?.csrfToken;
export const signedInName = () => {
  const u = auth.get().me?.user;
  return u ? u.name || u.email.split("@")[0] : null;
};

export function markSignedOut() {
  if (auth.get().status !== "signed-out") auth.set({ status: "signed-out", me: null });
}

async function call(method: string, path: string, body?: unknown): Promise<{ ok: boolean; status: number; json: any }> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  const token = csrfToken();
  if (token && method !== "GET") headers["x-csrf-token"] = token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { ok: res.ok, status: res.status, json };
}

/** Ask the server who we are. */
export async function refreshMe(): Promise<Me | null> {
  try {
    const r = await call("GET", "/api/auth/me");
    if (r.ok) {
      auth.set({ status: "signed-in", me: r.json as Me });
      return r.json as Me;
    }
    auth.set({ status: r.status === 401 ? "signed-out" : "unreachable", me: null });
  } catch {
    auth.set({ status: "unreachable", me: null });
  }
  return null;
}

function errorOf(r: { status: number; json: any }, fallback: string): Error {
  return new Error(r.json?.error?.message ?? `${fallback} (${r.status})`);
}

export async function signIn(email: string, password: string): Promise<void> {
  const r = await call("POST", "/api/auth/login", { email, password });
  if (!r.ok) throw errorOf(r, "Sign-in failed");
  auth.set({ status: "signed-in", me: r.json as Me });
}

/** Use a one-time sign-in link (first start, or an invitation) and choose a password. */
export async function completeFirstRun(token: string, password: string, name?: string): Promise<void> {
  const r = await call("POST", "/api/auth/first-run", { token, password, ...(name ? { name } : {}) });
  if (!r.ok) throw errorOf(r, "Could not use the sign-in link");
  auth.set({ status: "signed-in", me: r.json as Me });
}

export async function signOut(): Promise<void> {
  await call("POST", "/api/auth/logout").catch(() => undefined);
  auth.set({ status: "signed-out", me: null });
}
