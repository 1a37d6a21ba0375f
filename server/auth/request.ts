/** Facts about the request the auth layer needs: client address, scheme, and whether an Origin is ours. */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AuthSettings } from "./settings.js";

export function clientIp(c: Context, settings: Pick<AuthSettings, "trustProxy">): string {
  if (settings.trustProxy) {
    // The address our proxy saw is the last one it appended; earlier entries are client-supplied.
    const fwd = c.req.header("x-forwarded-for");
    const last = fwd?.split(",").map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // app.request() in tests has no socket.
    return "unknown";
  }
}

export function isHttps(c: Context, settings: Pick<AuthSettings, "trustProxy">): boolean {
  if (settings.trustProxy && c.req.header("x-forwarded-proto")?.split(",")[0].trim() === "https") return true;
  return new URL(c.req.url).protocol === "https:";
}

/**
 * A browser's Origin is ours when its host is the host the request was sent to (the Vite dev
 * server forwards with the Host unchanged, so the editor in dev mode passes too), or is listed.
 */
export function originAllowed(origin: string, host: string | undefined, settings: Pick<AuthSettings, "allowedOrigins">): boolean {
  if (origin === "null") return false;
  if (settings.allowedOrigins.includes(origin.replace(/\/+$/, ""))) return true;
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const requestHost = (c: Context, settings: Pick<AuthSettings, "trustProxy">) =>
  (settings.trustProxy && c.req.header("x-forwarded-host")?.split(",")[0].trim()) || c.req.header("host") || new URL(c.req.url).host;
