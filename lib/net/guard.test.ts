/**
 * The outbound guard against real sockets on loopback: 127.0.0.1 serves an image, 127.0.0.2 (also
 * loopback, a different address) plays a "public" server that redirects into 127.0.0.1.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllowList } from "./classify.js";
import { checkUrl, guardedFetch, outboundRequest, OutboundError, OutboundRefusedError } from "./guard.js";

let target: http.Server;
let hopper: http.Server;
let port: number;
let hopPort: number;
const hits: string[] = [];

const listen = (s: http.Server, host: string) => new Promise<number>((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  target = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (req.url === "/big") {
      res.writeHead(200);
      res.end(Buffer.alloc(64 * 1024));
    } else if (req.url === "/slow") {
      // never answers
    } else if (req.url === "/echo") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null })));
    } else {
      res.writeHead(200, { "content-type": "image/png" });
      res.end("png-bytes");
    }
  });
  port = await listen(target, "127.0.0.1");
  hopper = http.createServer((req, res) => {
    hits.push(`hop ${req.url}`);
    const to = req.url === "/to-echo" ? `http://127.0.0.1:${port}/echo` : `http://127.0.0.1:${port}/x.png`;
    res.writeHead(req.url === "/to-echo" ? 303 : 302, { location: to });
    res.end();
  });
  hopPort = await listen(hopper, "127.0.0.2");
});
afterAll(() => {
  target.close();
  hopper.close();
});

const none = parseAllowList("");
const refused = (url: string) => outboundRequest(url, { field: "products[0].images[0]", allow: none }).then(() => "fetched", (e: Error) => e);

describe("outbound guard", () => {
  it("refuses loopback, metadata and private targets in every spelling, before connecting", async () => {
    const n = hits.length;
    const urls = [
      `http://127.0.0.1:${port}/x.png`,
      `http://[::ffff:127.0.0.1]:${port}/x.png`,
      `http://[::ffff:a9fe:a9fe]/latest/meta-data/`,
      `http://[64:ff9b::7f00:1]:${port}/x.png`,
      `http://[2002:7f00:1::1]:${port}/x.png`,
      `http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:${port}/x.png`,
      `http://[::7f00:1]:${port}/x.png`,
      `http://[::1]:${port}/x.png`,
      `http://localhost:${port}/x.png`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://0.0.0.0:${port}/x.png`,
      `http://2130706433:${port}/x.png`, // 127.0.0.1 as one number
    ];
    for (const url of urls) {
      const err = await refused(url);
      expect(err, url).toBeInstanceOf(OutboundRefusedError);
      expect((err as OutboundRefusedError).field).toBe("products[0].images[0]");
      expect((err as Error).message, url).toMatch(/^products\[0\]\.images\[0\]: refusing http:\/\/.*: .* is (a loopback|a link-local|the unspecified) address \(allow it with GENJED_OUTBOUND_ALLOW\)$/);
    }
    expect(String(await refused(`http://[::ffff:127.0.0.1]:${port}/x.png`))).toContain("127.0.0.1 (inside ::ffff:7f00:1) is a loopback address");
    expect(String(await refused(`http://localhost:${port}/x.png`))).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
    expect(hits.length).toBe(n);
  });

  it("refuses schemes other than http(s) and hides credentials and queries in messages", async () => {
    expect(String(await refused("file:///etc/passwd"))).toMatch(/only http\(s\)/);
    expect(String(await refused("gopher://127.0.0.1/"))).toMatch(/only http\(s\)/);
    const err = String(await refused(`http://user:hunter2@127.0.0.1:${port}/x.png?token=abc`));
    expect(err).not.toContain("hunter2");
    expect(err).not.toContain("token=abc");
  });

  it("fetches what the allow-list permits (hosts, IPs, CIDRs), and reads GENJED_OUTBOUND_ALLOW at call time", async () => {
    const res = await outboundRequest(`http://127.0.0.1:${port}/x.png`, { field: "f", allow: parseAllowList("127.0.0.0/8") });
    expect(res).toMatchObject({ status: 200, headers: { "content-type": "image/png" } });
    expect(res.body.toString()).toBe("png-bytes");
    expect((await outboundRequest(`http://localhost:${port}/x.png`, { field: "f", allow: parseAllowList("localhost") })).status).toBe(200);

    const before = process.env.GENJED_OUTBOUND_ALLOW;
    try {
      process.env.GENJED_OUTBOUND_ALLOW = "127.0.0.1";
      expect((await outboundRequest(`http://127.0.0.1:${port}/x.png`, { field: "f" })).status).toBe(200);
      delete process.env.GENJED_OUTBOUND_ALLOW;
      await expect(outboundRequest(`http://127.0.0.1:${port}/x.png`, { field: "f" })).rejects.toBeInstanceOf(OutboundRefusedError);
    } finally {
      if (before === undefined) delete process.env.GENJED_OUTBOUND_ALLOW;
      else process.env.GENJED_OUTBOUND_ALLOW = before;
    }
  });

  it("re-checks every redirect hop: an allowed server cannot redirect into a refused address", async () => {
    const n = hits.length;
    const err = await outboundRequest(`http://127.0.0.2:${hopPort}/hop`, { field: "feed", allow: parseAllowList("127.0.0.2") }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(String(err)).toContain(`feed: refusing http://127.0.0.1:${port}/x.png: 127.0.0.1 is a loopback address`);
    expect(hits.slice(n)).toEqual(["hop /hop"]); // the redirect target was never contacted
    // Both allowed: followed.
    const ok = await outboundRequest(`http://127.0.0.2:${hopPort}/hop`, { field: "feed", allow: parseAllowList("127.0.0.1,127.0.0.2") });
    expect(ok).toMatchObject({ status: 200, url: `http://127.0.0.1:${port}/x.png` });
  });

  it("limits size and time, and stops on abort", async () => {
    const allow = parseAllowList("127.0.0.1");
    await expect(outboundRequest(`http://127.0.0.1:${port}/big`, { field: "f", allow, maxBytes: 1024 })).rejects.toThrow(/f: .*larger than 1 KB/);
    const slow = await outboundRequest(`http://127.0.0.1:${port}/slow`, { field: "f", allow, timeoutMs: 200 }).catch((e: Error) => e);
    expect(slow).toBeInstanceOf(OutboundError);
    expect((slow as OutboundError).permanent).toBe(false);
    expect(String(slow)).toMatch(/no answer within 0\.2 s/);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error("stopped by the user")), 100);
    await expect(outboundRequest(`http://127.0.0.1:${port}/slow`, { field: "f", allow, signal: ctrl.signal })).rejects.toThrow("stopped by the user");
  });

  it("guardedFetch: a fetch-like function, with manual redirects, POST bodies and 303 turning into GET", async () => {
    const f = guardedFetch("webhook.url", { allow: parseAllowList("127.0.0.1,127.0.0.2") });
    const res = await f(`http://127.0.0.1:${port}/echo`, { method: "POST", body: Buffer.from("hello"), headers: { authorization: "Bearer x" } });
    expect(await res.json()).toEqual({ method: "POST", body: "hello", auth: "Bearer x" });
    const manual = await f(`http://127.0.0.2:${hopPort}/hop`, { redirect: "manual" });
    expect(manual.status).toBe(302);
    const followed = await f(`http://127.0.0.2:${hopPort}/to-echo`, { method: "POST", body: "x", headers: { authorization: "Bearer x" } });
    // 303 continues as GET without the body, and the credentials stay with the origin they were meant for.
    expect(await followed.json()).toEqual({ method: "GET", body: "", auth: null });
    await expect(guardedFetch("webhook.url", { allow: none })(`http://127.0.0.1:${port}/echo`)).rejects.toThrow(/^webhook\.url: refusing/);
  });

  it("checkUrl: scheme and literal-address checks without DNS (for settings when saved)", () => {
    expect(() => checkUrl("http://[::ffff:a9fe:a9fe]/", "config.feed", none)).toThrow(/^config\.feed: refusing .*169\.254\.169\.254 .*link-local/);
    expect(() => checkUrl("ftp://example.com/x", "config.feed", none)).toThrow(/only http\(s\)/);
    expect(() => checkUrl("http://127.0.0.1:9/x", "config.feed", parseAllowList("127.0.0.1"))).not.toThrow();
    expect(() => checkUrl("https://shop.example.com/feed.json", "config.feed", none)).not.toThrow(); // names: checked when fetched
  });
});
