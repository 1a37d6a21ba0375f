/**
 * Which addresses an outbound request may reach. Addresses are classified by ipaddr.js's range
 * tables, never by string patterns: IPv6 forms that carry an IPv4 address (IPv4-mapped
 * ::ffff:a.b.c.d, IPv4-translated, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4
 * 2002::/16, Teredo 2001::/32) are unwrapped and the embedded IPv4 address is classified, so
 * [::ffff:127.0.0.1] is loopback and [::ffff:a9fe:a9fe] is the link-local metadata address.
 * Only ranges ipaddr.js calls `unicast` (public) pass; anything else needs the allow-list.
 */
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Classification {
  /** The address as given (normalised). */
  address: string;
  /** The IPv4 address an IPv6 form carries, when it carries one. */
  embedded?: string;
  /** ipaddr.js range of the address that decides (the embedded one when there is one). */
  range: string;
  /** Why it is refused, or undefined when it is a public unicast address. */
  reason?: string;
}

const REASONS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private address",
  uniqueLocal: "a private (unique local) address",
  linkLocal: "a link-local address",
  carrierGradeNat: "a shared (carrier-grade NAT) address",
  unspecified: "the unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  benchmarking: "a reserved (benchmarking) address",
  reserved: "a reserved address",
};

const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);

/** The IPv4 address an IPv6 address carries (mapped, translated, compatible, NAT64, 6to4, Teredo). */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = ip.parts;
  switch (ip.range()) {
    case "ipv4Mapped":
    case "rfc6145":
    case "rfc6052":
      return fromWords(p[6], p[7]);
    case "6to4":
      return fromWords(p[1], p[2]);
    case "teredo":
      // The client's address, stored inverted in the last 32 bits (RFC 4380).
      return fromWords(p[6] ^ 0xffff, p[7] ^ 0xffff);
  }
  // IPv4-compatible ::a.b.c.d (deprecated, but a stack may still route it as IPv4).
  if (p.slice(0, 6).every((w) => w === 0) && (p[6] !== 0 || p[7] > 1)) return fromWords(p[6], p[7]);
  return undefined;
}

export function parseAddress(address: string): Address | undefined {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : undefined;
}

/** Classify an IP address (string). Throws on something that is not an IP address. */
export function classifyAddress(address: string): Classification {
  const ip = parseAddress(address);
  if (!ip) throw new Error(`not an IP address: ${address}`);
  const normalised = ip.kind() === "ipv6" ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
  let decisive: Address = ip;
  let embedded: string | undefined;
  if (ip.kind() === "ipv6") {
    const inner = embeddedIPv4(ip as ipaddr.IPv6);
    if (inner) {
      decisive = inner;
      embedded = inner.toString();
    }
  }
  const range = decisive.range();
  if (range === "unicast") return { address: normalised, ...(embedded ? { embedded } : {}), range };
  return { address: normalised, ...(embedded ? { embedded } : {}), range, reason: REASONS[range] ?? `not a public address (${range})` };
}

/** Why an address is not public (e.g. "a loopback address"), or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  return classifyAddress(address).reason;
}

/** Hosts, IP addresses and CIDR ranges that may be reached although not public (the operator's setting). */
export interface AllowList {
  hosts: Set<string>;
  ranges: [Address, number][];
}

export const ALLOW_ENV = "GENJED_OUTBOUND_ALLOW";

/** Parse "127.0.0.1, 10.0.0.0/8, images.intranet" (comma or whitespace separated). */
export function parseAllowList(text: string | undefined): AllowList {
  const list: AllowList = { hosts: new Set(), ranges: [] };
  for (const raw of (text ?? "").split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const bare = entry.replace(/^\[|\]$/g, "");
    if (ipaddr.isValidCIDR(bare)) list.ranges.push(ipaddr.parseCIDR(bare));
    else if (ipaddr.isValid(bare)) {
      const ip = ipaddr.parse(bare);
      list.ranges.push([ip, ip.kind() === "ipv4" ? 32 : 128]);
    } else list.hosts.add(entry.replace(/\.$/, ""));
  }
  return list;
}

/** The allow-list as the environment has it now (read per call, so a test or a restart changes it). */
export const allowListFromEnv = (env: NodeJS.ProcessEnv = process.env) => parseAllowList(env[ALLOW_ENV]);

function inRanges(ip: Address, ranges: AllowList["ranges"]): boolean {
  return ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
}

/** Whether the allow-list lets `host` (as written in the URL) reach `address` (what it resolved to). */
export function isAllowed(list: AllowList, host: string, address: string): boolean {
  if (list.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, ""))) return true;
  const ip = parseAddress(address);
  if (!ip) return false;
  if (inRanges(ip, list.ranges)) return true;
  const c = classifyAddress(address);
  return c.embedded !== undefined && inRanges(ipaddr.parse(c.embedded), list.ranges);
}
