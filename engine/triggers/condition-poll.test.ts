/**
 * Condition triggers against a real database, the real engine and real feeds (a CSV file, a JSON
 * feed over HTTP): each change fires once, with the changed products as the run's input.
 */
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../db/index.js";
import { assetSource } from "../../nodes/asset-source.js";
import { CreateTriggerBodySchema } from "../../schemas/triggers.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, savedGraph, triggerTestEnv } from "../../test/triggers.js";
import { waitForRun } from "../runs.js";
import { TriggerScheduler } from "./scheduler.js";
import { createTrigger, getTrigger, listFires, updateTrigger } from "./store.js";

let engine: TestEngine;
let second: Database;
let dir: string;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry().register(assetSource));
  second = connectDatabase(engine.db.url);
  dir = await mkdtemp(path.join(os.tmpdir(), "genjed-feed-"));
  await copyFile(path.resolve("examples/demo-catalog/images/aurora-bottle.png"), path.join(dir, "aurora.png"));
});
afterAll(async () => {
  await second?.close();
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

const csv = (rows: [string, number, number][]) =>
  `id,name,price,stock,images\n${rows.map(([id, price, stock]) => `${id},Product ${id},${price},${stock},aurora.png`).join("\n")}\n`;

async function lastRunProducts(env: ReturnType<typeof triggerTestEnv>, triggerId: string) {
  const [fire] = await listFires(env, triggerId);
  const run = await waitForRun(engine.db.sql, fire.runId!);
  expect(run.status).toBe("succeeded");
  const out = (await nodeOutput(engine, run.id, "c")) as { out: { id: string; price: number; images: unknown[] }[] };
  return out.out;
}

describe("condition trigger on a CSV inventory file", () => {
  it("learns the feed, then runs once per change with the changed products, and not while paused", async () => {
    const feed = path.join(dir, "inventory.csv");
    await writeFile(feed, csv([["a", 10, 8], ["b", 20, 6]]));
    const clock = new FakeClock("2025-06-01T10:00:00Z");
    const env = triggerTestEnv(engine.db, engine.registry, clock);
    const { graphId } = await savedGraph(engine.db, graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]));
    const trigger = (await createTrigger(env, graphId, CreateTriggerBodySchema.parse({ kind: "condition", overlap: "allow", config: { feed, intervalSeconds: 60, stockBelow: 5 } })))!;
    expect(trigger.config).toMatchObject({ target: { nodeId: "assets", field: "products" } });
    const scheduler = new TriggerScheduler(env);
    const poll = async () => {
      clock.advance(60_000);
      return scheduler.tick();
    };

    // First poll: baseline only.
    expect((await scheduler.tick()).polled).toEqual([expect.objectContaining({ fireId: null, error: null })]);
    expect(await listFires(env, trigger.id)).toEqual([]);

    // A price change and a new product: one run with exactly those two.
    await writeFile(feed, csv([["a", 12, 8], ["b", 20, 6], ["c", 5, 3]]));
    await poll();
    let fires = await listFires(env, trigger.id);
    expect(fires).toHaveLength(1);
    expect(fires[0].detail).toEqual({ changes: [{ key: "a", reasons: ["price changed 10 → 12"] }, { key: "c", reasons: ["new product"] }] });
    const products = await lastRunProducts(env, trigger.id);
    expect(products.map((p) => [p.id, p.price])).toEqual([["a", 12], ["c", 5]]);
    expect(products[0].images).toEqual([expect.objectContaining({ mime: "image/png" })]);

    // Nothing changed: nothing runs.
    await poll();
    expect(await listFires(env, trigger.id)).toHaveLength(1);

    // Stock falls below 5, two schedulers poll at the same moment: one fire.
    await writeFile(feed, csv([["a", 12, 8], ["b", 20, 2], ["c", 5, 3]]));
    clock.advance(60_000);
    await Promise.all([scheduler.tick(), new TriggerScheduler({ ...env, database: second }).tick()]);
    fires = await listFires(env, trigger.id);
    expect(fires).toHaveLength(2);
    expect(fires[0].detail).toEqual({ changes: [{ key: "b", reasons: ["stock fell below 5 (6 → 2)"] }] });
    expect((await lastRunProducts(env, trigger.id)).map((p) => p.id)).toEqual(["b"]);

    // Still below: no new fire.
    await writeFile(feed, csv([["a", 12, 8], ["b", 20, 1], ["c", 5, 3]]));
    await poll();
    expect(await listFires(env, trigger.id)).toHaveLength(2);

    // Paused: not polled at all.
    await updateTrigger(env, trigger.id, { enabled: false });
    await writeFile(feed, csv([["a", 12, 8], ["b", 20, 1], ["c", 5, 3], ["d", 7, 9]]));
    expect((await poll()).polled).toEqual([]);
    expect(await listFires(env, trigger.id)).toHaveLength(2);
    // Resumed: the change made meanwhile fires once.
    await updateTrigger(env, trigger.id, { enabled: true });
    await scheduler.tick();
    await poll();
    fires = await listFires(env, trigger.id);
    expect(fires).toHaveLength(3);
    expect(fires[0].detail).toEqual({ changes: [{ key: "d", reasons: ["new product"] }] });
  });
});

describe("condition trigger on a JSON feed over HTTP", () => {
  it("fetches through the private-address guard and reports feed problems on the trigger", async () => {
    let body = JSON.stringify({ products: [{ id: "x", price: 1 }] });
    const server = http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.method === "HEAD" ? undefined : body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`;
    try {
      const clock = new FakeClock("2025-06-01T10:00:00Z");
      const env = triggerTestEnv(engine.db, engine.registry, clock);
      const { graphId } = await savedGraph(engine.db, graph([{ id: "src", type: "test.list", config: { count: 0 } }, { id: "c", type: "test.collect" }], [["src", "items", "c", "items"]]));
      const scheduler = new TriggerScheduler(env);

      const guarded = (await createTrigger(env, graphId, CreateTriggerBodySchema.parse({ kind: "condition", config: { feed: url, target: { nodeId: "src", field: "items" } } })))!;
      await scheduler.tick();
      expect((await getTrigger(env, guarded.id))!.lastError).toMatch(/refusing to fetch from 127\.0\.0\.1: .*loopback.*allowHosts/);
      await updateTrigger(env, guarded.id, { enabled: false });

      const t = (await createTrigger(env, graphId, CreateTriggerBodySchema.parse({
        kind: "condition",
        config: { feed: url, intervalSeconds: 30, target: { nodeId: "src", field: "items" }, allowHosts: ["127.0.0.1"] },
      })))!;
      await scheduler.tick();
      expect((await getTrigger(env, t.id))!.lastError).toBeNull();
      body = JSON.stringify([{ id: "x", price: 2 }, { id: "y", price: 3 }]);
      clock.advance(30_000);
      await scheduler.tick();
      const [fire] = await listFires(env, t.id);
      const run = await waitForRun(engine.db.sql, fire.runId!);
      expect(await nodeOutput(engine, run.id, "c")).toEqual({ out: [{ id: "x", price: 2 }, { id: "y", price: 3 }] });

      body = "{ not json";
      clock.advance(30_000);
      await scheduler.tick();
      expect((await getTrigger(env, t.id))!.lastError).toMatch(/feed\.json is not valid JSON/);
      expect(await listFires(env, t.id)).toHaveLength(1);
    } finally {
      server.close();
    }
  });
});
