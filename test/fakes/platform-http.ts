/**
 * Plumbing shared by the social platform fakes: a local HTTP server with a request log, JSON
 * replies, raw bodies, and per-route scripted faults (the next N calls of a route answer with a
 * given status/body/headers: rate limits, 5xx, platform errors).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON or form body, or a description of binary bodies. */
  body: unknown;
  size: number;
  status: number;
}

export interface ScriptedFault {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  req: IncomingMessage;
  method: string;
  path: string;
  url: URL;
  raw: Buffer;
  json(): any;
  form(): URLSearchParams;
}

export type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

export interface FakeServer {
  origin: string;
  requests: LoggedRequest[];
  /** The next `times` requests whose "METHOD /path" matches `route` get this answer instead. */
  fail(route: RegExp, fault: ScriptedFault, times?: number): void;
  close(): Promise<void>;
}

export function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Start a fake. `handle` returns a promise; it may leave the response open (a hung call) by never
 * calling reply, which is how tests catch a worker in the middle of a platform call.
 */
export async function startFakeServer(handle: (r: FakeRequest, reply: Reply, res: ServerResponse) => Promise<void> | void): Promise<FakeServer> {
  const requests: LoggedRequest[] = [];
  const faults: { route: RegExp; fault: ScriptedFault; left: number }[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const raw = await readRaw(req);
    const type = String(req.headers["content-type"] ?? "");
    const entry: LoggedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: describeBody(raw, type),
      size: raw.length,
      status: 0,
    };
    requests.push(entry);
    const reply: Reply = (status, body, headers = {}) => {
      entry.status = status;
      const text = body === undefined || body === null ? "" : typeof body === "string" ? body : JSON.stringify(body);
      res.writeHead(status, { ...(text ? { "content-type": typeof body === "string" ? "text/plain" : "application/json; charset=UTF-8" } : {}), "content-length": Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    const key = `${entry.method} ${url.pathname}`;
    const fault = faults.find((f) => f.left > 0 && f.route.test(key));
    if (fault) {
      fault.left--;
      return reply(fault.fault.status, fault.fault.body, fault.fault.headers);
    }
    try {
      await handle(
        {
          req,
          method: entry.method,
          path: url.pathname,
          url,
          raw,
          json: () => (raw.length ? JSON.parse(raw.toString("utf8")) : {}),
          form: () => new URLSearchParams(raw.toString("utf8")),
        },
        reply,
        res,
      );
    } catch (err) {
      if (!res.headersSent) reply(500, { error: { message: `fake crashed: ${(err as Error).message}` } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    fail(route, fault, times = 1) {
      faults.push({ route, fault, left: times });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeBody(raw: Buffer, type: string): unknown {
  if (raw.length === 0) return undefined;
  if (type.includes("json")) {
    try {
      return JSON.parse(raw.toString("utf8"));
    } catch {
      return raw.toString("utf8");
    }
  }
  if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  return `<${raw.length} bytes ${type}>`;
}

/** Bearer (or Graph's "OAuth") token from the Authorization header. */
export function tokenOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h)?.[1] : undefined;
}

let counter = 0;
export const nextId = (prefix = "") => `${prefix}${Date.now().toString(36)}${(++counter).toString(36).padStart(4, "0")}`;

/** An MP4 starts with a box whose type is "ftyp": what a platform checks before processing. */
export const looksLikeMp4 = (b: Buffer) => b.length > 12 && b.subarray(4, 8).toString("latin1") === "ftyp";
