/**
 * The one place the HTTP API scrubs a workspace's secret values out of what it hands back: every
 * JSON body and every Server-Sent Event of a request made in a workspace passes through here on
 * its way out, so no view (a run list next to a run detail, node rows, logs, events, reviews, a
 * route added next year) can forget to redact. Routes return plain data and never redact by hand.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { ServerDeps } from "../deps.js";
import { redactValues, workspaceSecretValues } from "./redact.js";

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;
const SSE_TYPE = /^text\/event-stream\b/i;

export function redactResponses(deps: Pick<ServerDeps, "database" | "auth">): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const workspaceId = c.get("auth")?.workspace.id;
    if (!workspaceId) return;
    const type = c.res.headers.get("content-type") ?? "";
    const json = JSON_TYPE.test(type);
    if (!json && !SSE_TYPE.test(type)) return;
    const secrets = await workspaceSecretValues(deps, workspaceId);
    if (secrets.length === 0 || !c.res.body) return;
    const redact = <T>(v: T) => redactValues(v, secrets);
    // A value appears in JSON text as itself or, when it has quotes, backslashes or control characters, escaped.
    const needles = [...new Set(secrets.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))];
    const body = json ? redactJsonText(await c.res.text(), redact, needles) : c.res.body.pipeThrough(redactEventStream(redact, needles));
    replaceBody(c, body);
  };
}

/**
 * Parsed and walked, not searched as text: a value with a quote or backslash is escaped in JSON
 * text. Most bodies hold no secret at all: those are returned as they are, unparsed.
 */
function redactJsonText(text: string, redact: <T>(v: T) => T, needles: string[]): string {
  if (!needles.some((n) => text.includes(n))) return text;
  try {
    return JSON.stringify(redact(JSON.parse(text)));
  } catch {
    return redact(text);
  }
}

/**
 * Scrub an event stream event by event (an event ends at a blank line), so a value split across
 * two chunks is still caught; each `data:` line that holds JSON is parsed and walked like a body.
 */
export function redactEventStream(redact: <T>(v: T) => T, needles: string[]): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const event = (text: string) =>
    text
      .split("\n")
      .map((line) => (line.startsWith("data: ") ? `data: ${redactJsonText(line.slice(6), redact, needles)}` : redact(line)))
      .join("\n");
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const end = pending.lastIndexOf("\n\n");
      if (end < 0) return;
      controller.enqueue(encoder.encode(event(pending.slice(0, end + 2))));
      pending = pending.slice(end + 2);
    },
    flush(controller) {
      pending += decoder.decode();
      if (pending) controller.enqueue(encoder.encode(event(pending)));
    },
  });
}

function replaceBody(c: Context, body: string | ReadableStream<Uint8Array>): void {
  const old = c.res;
  const headers = new Headers(old.headers);
  headers.delete("content-length");
  // Cleared first: Hono's setter would otherwise copy the old headers (the old length among them) back.
  c.res = undefined;
  c.res = new Response(body, { status: old.status, statusText: old.statusText, headers });
}
