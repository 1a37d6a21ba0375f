import { describe, expect, it } from "vitest";
import { classifyAddress, isAllowed, nonPublicReason, parseAllowList } from "./classify.js";

describe("classifyAddress", () => {
  it("refuses loopback, private, link-local and reserved IPv4 ranges and passes public ones", () => {
    expect(nonPublicReason("127.0.0.1")).toBe("a loopback address");
    expect(nonPublicReason("127.200.0.9")).toBe("a loopback address");
    expect(nonPublicReason("10.1.2.3")).toBe("a private address");
    expect(nonPublicReason("172.16.0.1")).toBe("a private address");
    expect(nonPublicReason("192.168.0.1")).toBe("a private address");
    expect(nonPublicReason("169.254.169.254")).toBe("a link-local address");
    expect(nonPublicReason("100.64.0.1")).toBe("a shared (carrier-grade NAT) address");
    expect(nonPublicReason("0.0.0.0")).toBe("the unspecified address");
    expect(nonPublicReason("255.255.255.255")).toBe("the broadcast address");
    expect(nonPublicReason("224.0.0.1")).toBe("a multicast address");
    expect(nonPublicReason("203.0.113.9")).toMatch(/reserved/);
    expect(nonPublicReason("198.18.0.1")).toMatch(/reserved|benchmarking/);
    expect(nonPublicReason("93.184.216.34")).toBeUndefined();
    expect(nonPublicReason("8.8.8.8")).toBeUndefined();
  });

  it("refuses IPv6 loopback, unique-local, link-local and documentation ranges", () => {
    expect(nonPublicReason("::1")).toBe("a loopback address");
    expect(nonPublicReason("::")).toBe("the unspecified address");
    expect(nonPublicReason("fd00::1")).toMatch(/private/);
    expect(nonPublicReason("fe80::1")).toBe("a link-local address");
    expect(nonPublicReason("ff02::1")).toBe("a multicast address");
    expect(nonPublicReason("2001:db8::1")).toMatch(/reserved/);
    expect(nonPublicReason("2606:4700:4700::1111")).toBeUndefined();
  });

  it("unwraps IPv4 inside IPv6: mapped, translated, compatible, NAT64, 6to4, Teredo", () => {
    expect(classifyAddress("::ffff:127.0.0.1")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    expect(classifyAddress("::ffff:a9fe:a9fe")).toMatchObject({ embedded: "169.254.169.254", reason: "a link-local address" });
    expect(classifyAddress("[::ffff:7f00:1]")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    expect(classifyAddress("::ffff:0:7f00:1")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    expect(classifyAddress("::7f00:1")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    expect(classifyAddress("64:ff9b::7f00:1")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    expect(classifyAddress("64:ff9b::a9fe:a9fe")).toMatchObject({ embedded: "169.254.169.254", reason: "a link-local address" });
    expect(classifyAddress("2002:7f00:1::1")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    expect(classifyAddress("2002:c0a8:101::")).toMatchObject({ embedded: "192.168.1.1", reason: "a private address" });
    // Teredo keeps the client's address inverted in the last 32 bits: ~7f00:0001 = 80ff:fffe.
    expect(classifyAddress("2001:0:4136:e378:8000:63bf:80ff:fffe")).toMatchObject({ embedded: "127.0.0.1", reason: "a loopback address" });
    // A public IPv4 address inside stays public.
    expect(classifyAddress("::ffff:93.184.216.34")).toMatchObject({ embedded: "93.184.216.34", range: "unicast" });
    expect(classifyAddress("::ffff:93.184.216.34").reason).toBeUndefined();
    expect(classifyAddress("64:ff9b::808:808").reason).toBeUndefined();
  });
});

describe("the allow-list", () => {
  it("parses hosts, IPs and CIDRs, and matches embedded IPv4 too", () => {
    const list = parseAllowList(" 127.0.0.1, 10.0.0.0/8  images.Intranet., [::1]");
    expect([...list.hosts]).toEqual(["images.intranet"]);
    expect(isAllowed(list, "127.0.0.1", "127.0.0.1")).toBe(true);
    expect(isAllowed(list, "[::ffff:7f00:1]", "::ffff:7f00:1")).toBe(true);
    expect(isAllowed(list, "10.9.8.7", "10.9.8.7")).toBe(true);
    expect(isAllowed(list, "::1", "::1")).toBe(true);
    expect(isAllowed(list, "IMAGES.intranet", "192.168.4.4")).toBe(true);
    expect(isAllowed(list, "127.0.0.2", "127.0.0.2")).toBe(false);
    expect(isAllowed(list, "169.254.169.254", "169.254.169.254")).toBe(false);
    expect(isAllowed(parseAllowList(undefined), "127.0.0.1", "127.0.0.1")).toBe(false);
  });
});
