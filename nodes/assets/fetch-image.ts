/**
 * Fetching catalogue images over http(s) without becoming a door into the private network: every
 * connection (redirects included) resolves the host itself and refuses loopback, private, link-local
 * and other non-public addresses unless the host is on the node's allow-list. The check runs in the
 * socket's DNS lookup, so the address checked is the address connected to (no rebinding window).
 */
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";

export class ImageFetchError extends Error {
  constructor(
    message: string,
    /** Retrying will not help (4xx, refused address, bad URL); otherwise it might (5xx, timeout). */
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface FetchPolicy {
  /** Hostnames or IP addresses allowed even though they are private or loopback. */
  allowHosts: string[];
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Why an address is not public, or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  let ip = address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split(".").map(Number);
    if (a === 127) return "a loopback address";
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return "a private address";
    if (a === 169 && b === 254) return "a link-local address";
    if (a === 100 && b >= 64 && b <= 127) return "a shared (carrier-grade NAT) address";
    if (a === 0 || a >= 224) return "not a unicast address";
    // Documentation and benchmarking ranges (RFC 5737, RFC 2544): never a real image server.
    if ((a === 192 && b === 0 && ip.split(".")[2] === "2") || (a === 198 && b === 51 && ip.split(".")[2] === "100") || (a === 203 && b === 0 && ip.split(".")[2] === "113") || (a === 198 && (b === 18 || b === 19))) {
      return "a reserved (documentation or benchmarking) address";
    }
    return undefined;
  }
  const v6 = ip.toLowerCase();
  if (v6 === "::1") return "a loopback address";
  if (v6 === "::") return "not a unicast address";
  if (/^f[cd]/.test(v6)) return "a private address";
  if (/^fe[89ab]/.test(v6)) return "a link-local address";
  if (/^ff/.test(v6)) return "not a unicast address";
  return undefined;
}

function guardedLookup(host: string, policy: FetchPolicy): net.LookupFunction {
  const allowed = policy.allowHosts.map((h) => h.toLowerCase());
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "", 4);
      const list = addresses as dns.LookupAddress[];
      for (const a of list) {
        const reason = nonPublicReason(a.address);
        if (reason && !allowed.includes(host.toLowerCase()) && !allowed.includes(a.address)) {
          const e = new ImageFetchError(
            `refusing to fetch from ${host}: ${a.address} is ${reason} (add "${host}" to allowHosts to permit it)`,
            true,
          );
          return callback(e as NodeJS.ErrnoException, "", 4);
        }
      }
      const first = list[0];
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, first.address, first.family);
    });
  };
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body?: Buffer;
}

function request(url: URL, method: "HEAD" | "GET", policy: FetchPolicy): Promise<Response> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === "https:" ? https : http;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // A literal IP skips DNS, so check it here too.
    const reason = net.isIP(host) ? nonPublicReason(host) : undefined;
    if (reason && !policy.allowHosts.includes(host)) {
      return reject(new ImageFetchError(`refusing to fetch from ${host}: it is ${reason} (add "${host}" to allowHosts to permit it)`, true));
    }
    const req = mod.request(url, { method, lookup: guardedLookup(host, policy), timeout: policy.timeoutMs ?? 15_000, signal: policy.signal }, (res) => {
      if (method === "HEAD") {
        res.resume();
        return resolve({ status: res.statusCode ?? 0, headers: res.headers });
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const max = policy.maxBytes ?? 25 * 1024 * 1024;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > max) {
          req.destroy(new ImageFetchError(`image is larger than ${Math.round(max / 1024 / 1024)} MB`, true));
          return;
        }
        chunks.push(c);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new ImageFetchError(`no answer within ${(policy.timeoutMs ?? 15_000) / 1000} s`, false)));
    req.on("error", (err) => reject(err instanceof ImageFetchError ? err : new ImageFetchError(describeNetError(err), isPermanentNetError(err))));
    req.end();
  });
}

function describeNetError(err: Error & { code?: string }): string {
  if (err.code === "ENOTFOUND") return "the host name does not resolve";
  if (err.code === "ECONNREFUSED") return "the connection was refused";
  return err.message;
}

function isPermanentNetError(err: Error & { code?: string }): boolean {
  return err.code === "ENOTFOUND" || err.name === "AbortError";
}

/** HEAD (reachability) then GET, following up to 3 redirects, each through the address guard. */
export async function fetchImage(raw: string, policy: FetchPolicy): Promise<{ data: Buffer; contentType?: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ImageFetchError(`not a valid URL: ${raw}`, true);
  }
  for (let hop = 0; hop <= 3; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new ImageFetchError(`only http(s) URLs can be fetched, got ${url.protocol}`, true);
    const head = await request(url, "HEAD", policy);
    if (head.status >= 300 && head.status < 400 && head.headers.location) {
      url = new URL(head.headers.location, url);
      continue;
    }
    // Some servers refuse HEAD (405/501) but serve GET: fall through to GET for those.
    if (head.status >= 400 && head.status !== 405 && head.status !== 501) {
      throw new ImageFetchError(`not reachable (HTTP ${head.status} on HEAD ${url.href})`, head.status < 500 && head.status !== 429);
    }
    const res = await request(url, "GET", policy);
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      url = new URL(res.headers.location, url);
      continue;
    }
    if (res.status >= 400) throw new ImageFetchError(`not reachable (HTTP ${res.status} on GET ${url.href})`, res.status < 500 && res.status !== 429);
    return { data: res.body ?? Buffer.alloc(0), contentType: res.headers["content-type"] };
  }
  throw new ImageFetchError("too many redirects", true);
}
