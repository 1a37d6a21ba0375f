/**
 * Body-limit benchmark (issue 10): a real server (startRuntime, HTTP on a port) is sent four
 * 100 MB bodies at once on the unauthenticated POST /api/auth/login, while /api/health is polled.
 * Reports the answers, the server process's RSS growth and the slowest health answer meanwhile.
 * Before the body limit the bodies were buffered and parsed (RSS +400 MB, requests stalled).
 */
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { readConfig } from "../server/config.js";
import { startRuntime } from "../server/runtime.js";

const BODY_BYTES = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(1024 * 1024, "a");

/** POST `bytes` of filler, streamed chunk by chunk (so the sender itself holds 1 MB), with or without Content-Length. */
function sendBig(base: string, bytes: number, withLength: boolean): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (withLength) headers["content-length"] = String(bytes);
    const req = http.request(`${base}/api/auth/login`, { method: "POST", headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(-1));
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += CHUNK.length;
        if (!req.write(sent === CHUNK.length ? Buffer.concat([Buffer.from('{"email":"'), CHUNK.subarray(10)]) : CHUNK)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

export async function benchBodyLimit(url: string, home: string): Promise<Record<string, number | string>> {
  const runtime = await startRuntime({
    config: { ...readConfig({ GENJED_HOME: path.join(home, "body-limit-home") }), port: 0, databaseUrl: url },
    worker: false,
    scheduler: false,
    log: () => {},
  });
  const base = runtime.url!;
  try {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let slowestHealth = 0;
    let flooding = true;
    const poll = (async () => {
      while (flooding) {
        const t = performance.now();
        await fetch(`${base}/api/health`).then((r) => r.arrayBuffer());
        slowestHealth = Math.max(slowestHealth, performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const statuses = await Promise.all([true, true, true, false].map((len) => sendBig(base, BODY_BYTES, len)));
    const floodMs = performance.now() - t0;
    flooding = false;
    await poll;
    clearInterval(sampler);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    return {
      "4 x 100 MB login bodies: statuses": statuses.join(","),
      "4 x 100 MB login bodies: ms until answered": Math.round(floodMs),
      "RSS before: MB": mb(rssBefore),
      "RSS peak during: MB": mb(peak),
      "RSS growth: MB": mb(peak - rssBefore),
      "slowest /api/health meanwhile: ms": Math.round(slowestHealth),
    };
  } finally {
    await runtime.stop();
  }
}
