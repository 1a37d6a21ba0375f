/**
 * The one way the product reaches an address a user supplied (product images, catalogue and
 * condition feeds, webhook publisher targets, alert webhooks): the host is resolved once, every
 * answer is classified (classify.ts), and the socket connects to the address that was checked,
 * so a second DNS answer cannot swap in a private address. Every redirect hop goes through the
 * same check. Loopback and private targets pass only through GENJED_OUTBOUND_ALLOW (hosts, IPs,
 * CIDRs), read at call time. A refusal names the field that held the URL and the reason.
 *
 * Endpoints the operator configures in the environment (platform base URLs, REPLICATE_BASE_URL,
 * the object store) are trusted and use plain fetch; this module is for user-supplied addresses.
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { allowListFromEnv, classifyAddress, isAllowed, type AllowList, ALLOW_ENV } from "./classify.js";

/** The URL was refused before anything was sent (not http(s), or not a public address). */
export class OutboundRefusedError extends Error {
  readonly code = "OUTBOUND_NOT_ALLOWED";
  readonly permanent = true;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "OutboundRefusedError";
  }
}

/** The request was sent (or tried) and failed: `permanent` when retrying cannot help. */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly field?: string,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

export interface OutboundOptions {
  /** What held the URL, for messages: "products[0].images[0]", "feed", "webhook.url". */
  field: string;
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  signal?: AbortSignal;
  /** For the whole request, redirects included. Default 15 s. */
  timeoutMs?: number;
  /** Largest response body. Default 25 MB. */
  maxBytes?: number;
  /** Default 5; "manual" returns a 3xx as it is. */
  maxRedirects?: number;
  redirect?: "follow" | "manual";
  /** Default: GENJED_OUTBOUND_ALLOW as the environment has it at call time. */
  allow?: AllowList;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

/** The URL for messages: no credentials, no query (either may hold a token). */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * The checks that need no DNS, for validating a setting when it is saved (a trigger's feed URL):
 * http(s) only, and a literal IP host must be public or allowed. Names are checked when fetched.
 */
export function checkUrl(raw: string, field: string, allow: AllowList = allowListFromEnv()): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefusedError(field, `${field}: not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundRefusedError(field, `${field}: refusing ${url.protocol} URL: only http(s) can be fetched`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!net.isIP(host)) return;
  const c = classifyAddress(host);
  if (c.reason && !isAllowed(allow, host, host)) {
    const what = c.embedded ? `${c.embedded} (inside ${c.address})` : c.address;
    throw new OutboundRefusedError(field, `${field}: refusing ${displayUrl(url)}: ${what} is ${c.reason} (allow it with ${ALLOW_ENV})`);
  }
}

/** Resolve the host once and check every answer; the first answer is the one connected to. */
async function checkedAddress(url: URL, field: string, allow: AllowList): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let answers: dns.LookupAddress[];
  if (net.isIP(host)) answers = [{ address: host, family: net.isIP(host) }];
  else {
    try {
      answers = await dns.promises.lookup(host, { all: true, verbatim: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const nx = code === "ENOTFOUND" || code === "ENODATA";
      throw new OutboundError(`${field}: ${displayUrl(url)}: ${nx ? "the host name does not resolve" : `DNS lookup failed (${code})`}`, nx, field);
    }
    if (!answers.length) throw new OutboundError(`${field}: ${displayUrl(url)}: the host name does not resolve`, true, field);
  }
  for (const a of answers) {
    const c = classifyAddress(a.address);
    if (c.reason && !isAllowed(allow, host, a.address)) {
      const what = c.embedded ? `${c.embedded} (inside ${c.address})` : c.address;
      const via = net.isIP(host) ? "" : `${host} resolves to `;
      throw new OutboundRefusedError(field, `${field}: refusing ${displayUrl(url)}: ${via}${what} is ${c.reason} (allow it with ${ALLOW_ENV})`);
    }
  }
  return answers[0];
}

function sendOnce(url: URL, target: { address: string; family: number }, o: OutboundOptions & { method: string }, signal: AbortSignal): Promise<OutboundResponse> {
  const max = o.maxBytes ?? 25 * 1024 * 1024;
  const isHttps = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  // The socket gets the checked address; Node never asks DNS again for this request.
  const lookup: net.LookupFunction = (_name, options, callback) => {
    if ((options as dns.LookupAllOptions).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  return new Promise((resolve, reject) => {
    const req = (isHttps ? https : http).request(
      {
        protocol: url.protocol,
        hostname,
        port: url.port || (isHttps ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: o.method,
        // Identity encoding: the body is handed on as it came (no decompression here), and the size limit counts real bytes.
        headers: { host: url.host, ...o.headers, "accept-encoding": "identity", ...(o.body !== undefined ? { "content-length": String(Buffer.byteLength(o.body)) } : {}) },
        lookup,
        agent: false,
        signal,
        ...(isHttps && !net.isIP(hostname) ? { servername: hostname } : {}),
      },
      (res) => {
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > max) {
          req.destroy(new OutboundError(`${o.field}: ${displayUrl(url)}: the answer is larger than ${formatBytes(max)}`, true, o.field));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > max) req.destroy(new OutboundError(`${o.field}: ${displayUrl(url)}: the answer is larger than ${formatBytes(max)}`, true, o.field));
          else chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: url.href }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.round(n / 1024)} KB`);

function describeNetError(err: Error & { code?: string }): string {
  if (err.code === "ECONNREFUSED") return "the connection was refused";
  if (err.code === "ECONNRESET") return "the connection was reset";
  if (err.code === "ETIMEDOUT") return "the connection timed out";
  return err.code ? `${err.code}` : err.message;
}

/**
 * A request to a user-supplied URL through the guard. Follows redirects (re-checking each hop;
 * 303, and 301/302 after POST, continue as GET like fetch does), dropping credentials when a
 * redirect leaves the origin.
 */
export async function outboundRequest(raw: string, o: OutboundOptions): Promise<OutboundResponse> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefusedError(o.field, `${o.field}: not a valid URL`);
  }
  const allow = o.allow ?? allowListFromEnv();
  const timeoutMs = o.timeoutMs ?? 15_000;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(new OutboundError(`${o.field}: ${displayUrl(url)}: no answer within ${timeoutMs / 1000} s`, false, o.field)), timeoutMs);
  const onAbort = () => ctrl.abort(o.signal!.reason);
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener("abort", onAbort, { once: true });
  let method = (o.method ?? "GET").toUpperCase();
  let body = o.body;
  let headers = { ...o.headers };
  try {
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new OutboundRefusedError(o.field, `${o.field}: refusing ${url.protocol} URL: only http(s) can be fetched`);
      }
      const target = await checkedAddress(url, o.field, allow);
      if (ctrl.signal.aborted) throw ctrl.signal.reason;
      let res: OutboundResponse;
      try {
        res = await sendOnce(url, target, { ...o, method, body, headers }, ctrl.signal);
      } catch (err) {
        if (ctrl.signal.aborted) throw ctrl.signal.reason;
        if (err instanceof OutboundError) throw err;
        throw new OutboundError(`${o.field}: ${displayUrl(url)}: ${describeNetError(err as Error)}`, false, o.field);
      }
      const location = res.headers.location;
      if (o.redirect === "manual" || res.status < 300 || res.status >= 400 || res.status === 304 || !location) return res;
      if (hop >= (o.maxRedirects ?? 5)) throw new OutboundError(`${o.field}: ${displayUrl(url)}: too many redirects`, true, o.field);
      const next = new URL(location, url);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        if (method !== "HEAD") method = "GET";
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
      }
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)));
      url = next;
    }
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
  }
}

/** fetch's signature, answered through the guard: what PlatformClient and other fetch users take. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A fetch-like function whose every request (and redirect hop) goes through the guard, naming `field`. */
export function guardedFetch(field: string, defaults: Omit<OutboundOptions, "field" | "method" | "headers" | "body" | "signal" | "redirect"> = {}): FetchLike {
  return async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const res = await outboundRequest(String(input), {
      ...defaults,
      field,
      method: init.method,
      headers,
      body: requestBody(init.body),
      signal: init.signal ?? undefined,
      redirect: init.redirect === "manual" ? "manual" : "follow",
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
      else if (v !== undefined) out.set(k, v);
    }
    if (res.status < 200 || res.status > 599) throw new OutboundError(`${field}: the server answered with HTTP status ${res.status}`, false, field);
    const empty = res.status === 204 || res.status === 205 || res.status === 304 || init.method === "HEAD";
    return new Response(empty ? null : new Uint8Array(res.body), { status: res.status, headers: out });
  };
}

function requestBody(body: RequestInit["body"]): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError("guardedFetch: only string, bytes and URLSearchParams bodies are supported");
}
