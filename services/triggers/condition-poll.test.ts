/**
 * Condition triggers against a real database, the real engine and real feeds (a CSV file inside
 * examples/, a JSON feed over HTTP): each change fires once, with the changed products as the
 * run's input. Feeds go through the file resolver and the outbound guard like every user path.
 */
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../db/index.js";
import { assetSource } from "../../nodes/asset-source/definition.js";
import { CreateTriggerBodySchema } from "../../schemas/triggers.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, savedGraph, triggerTestEnv } from "../../test/triggers.js";
import { waitForRun } from "../../engine/runs.js";
import { TriggerScheduler } from "./scheduler.js";
import { createTrigger, getTrigger, listFires, TriggerConfigError, updateTrigger } from "./store.js";
import { systemScope } from "../../lib/scope.js";

let engine: TestEngine;
let second: Database;
let dir: string;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry().register(assetSource));
  second = connectDatabase(engine.db.url);
  // Feeds given as paths must be inside examples/: a scratch folder there (removed after).
  dir = path.resolve("examples", `.test-feed-${process.pid}`);
  await mkdir(dir, { recursive: true });
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
  const [fire] = await listFires(env, triggerId, systemScope("test"));
  const run = await waitForRun(engine.db.sql, fire.runId!);
  expect(run.status).toBe("succeeded");
  const out = (await nodeOutput(engine, run.id, "c")) as { out: { id: string; price: number; images: unknown[] }[] };
  return out.out;
}

describe("condition trigger on a CSV inventory file", () => {
  it("learns the feed, then runs once per change with the changed products, and not while paused", async () => {
    const feedFile = path.join(dir, "inventory.csv");
    const feed = path.relative(process.cwd(), feedFile);
    const writeFeed = (text: string) => writeFile(feedFile, text);
    await writeFeed(csv([["a", 10, 8], ["b", 20, 6]]));
    const clock = new FakeClock("2025-06-01T10:00:00Z");
    const env = triggerTestEnv(engine.db, engine.registry, clock);
    const { graphId } = await savedGraph(engine.db, graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]));
    const trigger = (await createTrigger(env, graphId, CreateTriggerBodySchema.parse({ kind: "condition", overlap: "allow", config: { feed, intervalSeconds: 60, stockBelow: 5 } }), systemScope("test")))!;
    expect(trigger.config).toMatchObject({ target: { nodeId: "assets", field: "products" } });
    const scheduler = new TriggerScheduler(env);
    const poll = async () => {
      clock.advance(60_000);
      return scheduler.tick();
    };

    // First poll: baseline only.
    expect((await scheduler.tick()).polled).toEqual([expect.objectContaining({ fireId: null, error: null })]);
    expect(await listFires(env, trigger.id, systemScope("test"))).toEqual([]);

    // A price change and a new product: one run with exactly those two.
    await writeFeed(csv([["a", 12, 8], ["b", 20, 6], ["c", 5, 3]]));
    await poll();
    let fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires).toHaveLength(1);
    expect(fires[0].detail).toEqual({ changes: [{ key: "a", reasons: ["price changed 10 → 12"] }, { key: "c", reasons: ["new product"] }] });
    const products = await lastRunProducts(env, trigger.id);
    expect(products.map((p) => [p.id, p.price])).toEqual([["a", 12], ["c", 5]]);
    expect(products[0].images).toEqual([expect.objectContaining({ mime: "image/png" })]);

    // Nothing changed: nothing runs.
    await poll();
    expect(await listFires(env, trigger.id, systemScope("test"))).toHaveLength(1);

    // Stock falls below 5, two schedulers poll at the same moment: one fire.
    await writeFeed(csv([["a", 12, 8], ["b", 20, 2], ["c", 5, 3]]));
    clock.advance(60_000);
    await Promise.all([scheduler.tick(), new TriggerScheduler({ ...env, database: second }).tick()]);
    fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires).toHaveLength(2);
    expect(fires[0].detail).toEqual({ changes: [{ key: "b", reasons: ["stock fell below 5 (6 → 2)"] }] });
    expect((await lastRunProducts(env, trigger.id)).map((p) => p.id)).toEqual(["b"]);

    // Still below: no new fire.
    await writeFeed(csv([["a", 12, 8], ["b", 20, 1], ["c", 5, 3]]));
    await poll();
    expect(await listFires(env, trigger.id, systemScope("test"))).toHaveLength(2);

    // Paused: not polled at all.
    await updateTrigger(env, trigger.id, { enabled: false }, systemScope("test"));
    await writeFeed(csv([["a", 12, 8], ["b", 20, 1], ["c", 5, 3], ["d", 7, 9]]));
    expect((await poll()).polled).toEqual([]);
    expect(await listFires(env, trigger.id, systemScope("test"))).toHaveLength(2);
    // Resumed: the change made meanwhile fires once.
    await updateTrigger(env, trigger.id, { enabled: true }, systemScope("test"));
    await scheduler.tick();
    await poll();
    fires = await listFires(env, trigger.id, systemScope("test"));
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
      const logs: string[] = [];
      const env = triggerTestEnv(engine.db, engine.registry, clock, { log: (m) => logs.push(m) });
      const { graphId } = await savedGraph(engine.db, graph([{ id: "src", type: "test.list", config: { count: 0 } }, { id: "c", type: "test.collect" }], [["src", "items", "c", "items"]]));
      const scheduler = new TriggerScheduler(env);

      // Saved while the server allowed loopback; the operator has since removed it from the allow-list.
      process.env.GENJED_OUTBOUND_ALLOW = "127.0.0.1";
      const guarded = (await createTrigger(env, graphId, CreateTriggerBodySchema.parse({ kind: "condition", config: { feed: url, target: { nodeId: "src", field: "items" } } }), systemScope("test")))!;
      delete process.env.GENJED_OUTBOUND_ALLOW;
      // A trigger saved before allowHosts was retired still loads; the list is ignored, and the log says so.
      await engine.db.sql`update triggers set config = config || '{"allowHosts": ["127.0.0.1"]}'::jsonb where id = ${guarded.id}`;
      await scheduler.tick();
      expect((await getTrigger(env, guarded.id, systemScope("test")))!.lastError).toMatch(/^feed: refusing http:\/\/127\.0\.0\.1:\d+\/feed\.json: 127\.0\.0\.1 is a loopback address \(allow it with GENJED_OUTBOUND_ALLOW\)$/);
      expect(logs.some((l) => l.includes("allowHosts is ignored") && l.includes("GENJED_OUTBOUND_ALLOW"))).toBe(true);
      await updateTrigger(env, guarded.id, { enabled: false }, systemScope("test"));

      process.env.GENJED_OUTBOUND_ALLOW = "127.0.0.1";
      const t = (await createTrigger(env, graphId, CreateTriggerBodySchema.parse({
        kind: "condition",
        config: { feed: url, intervalSeconds: 30, target: { nodeId: "src", field: "items" } },
      }), systemScope("test")))!;
      await scheduler.tick();
      expect((await getTrigger(env, t.id, systemScope("test")))!.lastError).toBeNull();
      body = JSON.stringify([{ id: "x", price: 2 }, { id: "y", price: 3 }]);
      clock.advance(30_000);
      await scheduler.tick();
      const [fire] = await listFires(env, t.id, systemScope("test"));
      const run = await waitForRun(engine.db.sql, fire.runId!);
      expect(await nodeOutput(engine, run.id, "c")).toEqual({ out: [{ id: "x", price: 2 }, { id: "y", price: 3 }] });

      body = "{ not json";
      clock.advance(30_000);
      await scheduler.tick();
      // Where, not what: the feed's text is never echoed into last_error.
      expect((await getTrigger(env, t.id, systemScope("test")))!.lastError).toBe("feed is not valid JSON (at line 1 column 3)");
      expect(await listFires(env, t.id, systemScope("test"))).toHaveLength(1);
    } finally {
      delete process.env.GENJED_OUTBOUND_ALLOW;
      server.close();
    }
  });
});

describe("condition trigger feeds go through the file resolver and the outbound guard", () => {
  it("refuses /etc/passwd, paths outside examples/, the metadata address and another workspace's upload; reads its own upload", async () => {
    const clock = new FakeClock("2025-06-01T10:00:00Z");
    const env = triggerTestEnv(engine.db, engine.registry, clock, { media: engine.storage });
    const { graphId } = await savedGraph(engine.db, graph([{ id: "src", type: "test.list", config: { count: 0 } }, { id: "c", type: "test.collect" }], [["src", "items", "c", "items"]]));
    const [{ workspaceId }] = await engine.db.sql<{ workspaceId: string }[]>`select workspace_id as "workspaceId" from graphs where id = ${graphId}`;
    const [{ id: otherWorkspace }] = await engine.db.sql<{ id: string }[]>`insert into workspaces (name) values ('other') returning id`;
    const upload = async (text: string, ws: string) => {
      const ref = await engine.storage.put(Buffer.from(text), { mime: "application/json" });
      await engine.db.sql`insert into media_workspaces (hash, workspace_id) values (${ref.hash}, ${ws}) on conflict do nothing`;
      return `upload:${ref.hash}`;
    };
    const scheduler = new TriggerScheduler(env);
    const body = (feed: string) => CreateTriggerBodySchema.parse({ kind: "condition", config: { feed, target: { nodeId: "src", field: "items" } } });
    // Refused when saved, naming the field...
    for (const feed of ["/etc/passwd", "../../secret.key", "file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/"]) {
      const err = await createTrigger(env, graphId, body(feed), systemScope("test")).catch((e: Error) => e);
      expect(err, feed).toBeInstanceOf(TriggerConfigError);
      expect((err as TriggerConfigError).field).toBe("config.feed");
    }
    // ...and at every poll, for triggers saved before the check (the config written directly).
    const lastError = async (feed: string) => {
      const t = (await createTrigger(env, graphId, body("examples/demo-catalog/products.json"), systemScope("test")))!;
      await engine.db.sql`update triggers set config = jsonb_set(config, '{feed}', to_jsonb(${feed}::text)) where id = ${t.id}`;
      await scheduler.tick();
      const error = (await getTrigger(env, t.id, systemScope("test")))!.lastError;
      await updateTrigger(env, t.id, { enabled: false }, systemScope("test"));
      return error;
    };
    expect(await lastError("/etc/passwd")).toMatch(/^feed: "\/etc\/passwd" is not allowed: absolute paths are refused/);
    expect(await lastError("../../secret.key")).toMatch(/^feed: .*"\.\." is refused/);
    expect(await lastError("file:///etc/passwd")).toMatch(/^feed: .*not allowed/);
    expect(await lastError("http://169.254.169.254/latest/meta-data/")).toMatch(/^feed: refusing http:\/\/169\.254\.169\.254\/latest\/meta-data\/: 169\.254\.169\.254 is a link-local address/);
    expect(await lastError("http://[::ffff:a9fe:a9fe]/latest/meta-data/")).toMatch(/^feed: refusing .*169\.254\.169\.254 .*link-local/);
    const theirs = await upload('[{"id":"x"}]', otherWorkspace);
    expect(await lastError(theirs)).toBe(`feed: ${theirs} is not an upload of this workspace; upload the file first`);
    expect(await lastError(await upload('[{"id":"x","price":1}]', workspaceId))).toBeNull();
  });
});
