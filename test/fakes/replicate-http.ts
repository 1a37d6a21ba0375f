/** HTTP plumbing of the fake Replicate server: request bodies, JSON and problem+json replies, `Prefer: wait`. */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface HttpFault {
  status: number;
  retryAfter?: number;
  detail?: string;
}

/** Problem-details error body, like Replicate's; 429 carries Retry-After when the fault says so. */
export function replyError(reply: (status: number, body: unknown, headers?: Record<string, string>) => void, fault: HttpFault) {
  const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
  const detail =
    fault.detail ??
    (fault.status === 429
      ? `Request was throttled. Expected available in ${fault.retryAfter ?? 1} second.`
      : `Internal server error (${fault.status})`);
  const title = fault.status === 429 ? "Request was throttled" : fault.status >= 500 ? "Internal Server Error" : "Bad Request";
  reply(fault.status, { title, detail, status: fault.status }, headers);
}

/** `Prefer: wait` blocks up to 60 s; `wait=n` up to n seconds (1..60), like Replicate's sync mode. */
export function parsePreferWait(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header.join(",") : header;
  const m = value ? /\bwait(?:=(\d+))?\b/.exec(value) : null;
  if (!m) return undefined;
  return Math.min(60, Math.max(1, m[1] ? Number(m[1]) : 60));
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (contentType?.includes("application/json")) {
    try {
      return JSON.parse(raw.toString("utf8"));
    } catch {
      return raw.toString("utf8");
    }
  }
  return `<${raw.length} bytes ${contentType ?? ""}>`;
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": status >= 400 ? "application/problem+json" : "application/json",
    "content-length": Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}
