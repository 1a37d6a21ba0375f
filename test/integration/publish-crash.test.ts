import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitForRun } from "../../engine/runs.js";
import { nodeOutput } from "../engine.js";
import type { PublicationOutput } from "../../nodes/publish-channel/definition.js";
import { startPublishTestbed, type PublishTestbed } from "../publish.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let tb: PublishTestbed;
beforeAll(async () => {
  tb = await startPublishTestbed({ workers: 0 });
}, 120_000);
afterAll(() => tb?.stop());

/** A real worker in its own process (so it can be SIGKILLed), once it says it is ready. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/control-worker-process.ts")], {
    cwd: root,
    env: { ...process.env, ...tb.env, DATABASE_URL: tb.engine.db.url, GENJED_HOME: tb.engine.home },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [first] = await once(child.stdout!, "data");
  expect(String(first)).toContain("ready");
  return child;
}

/** SIGKILL the worker process the moment `reached()` holds (polled every 25 ms, for at most 30 s). */
async function killWhen(child: ChildProcess, reached: () => boolean, never: string): Promise<void> {
  for (let i = 0; !reached(); i++) {
    if (i > 1200) throw new Error(never);
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  await once(child, "exit");
}

/** A worker in this process takes over the dead one's jobs until the run ends, then leaves: the next test's run is for its own worker process. */
async function recover(runId: string) {
  const worker = await tb.engine.startWorker({ providers: tb.providers, staleAfterMs: 2_000, heartbeatMs: 500 });
  const run = await waitForRun(tb.engine.db.sql, runId, { timeoutMs: 60_000 });
  await worker.stop();
  tb.engine.workers.splice(tb.engine.workers.indexOf(worker), 1);
  return run;
}

it("a worker killed (SIGKILL) after Instagram published but before the answer was stored: the retry recovers the post, never posts twice", async () => {
  const child = await startWorkerProcess();

  // Instagram publishes the reel, then its answer never reaches the worker.
  tb.instagram.holdPublish = true;
  const runId = await tb.engine.start(tb.publishGraph({ channels: ["instagram_reels", "library"], caption: "Crash me" }));
  await killWhen(child, () => tb.instagram.media.length > 0, "Instagram never received media_publish");
  tb.instagram.holdPublish = false;
  tb.instagram.release();

  const run = await recover(runId);
  expect(run.status).toBe("succeeded");
  expect(run.nodes.find((n) => n.nodeId === "publish")!.attempts).toBe(2);

  expect(tb.instagram.media).toHaveLength(1);
  expect(tb.instagram.requests.filter((r) => r.path.endsWith("/media_publish"))).toHaveLength(1);
  expect(tb.instagram.requests.filter((r) => r.method === "POST" && r.path.endsWith("/media"))).toHaveLength(1);
  const out = (await nodeOutput(tb.engine, runId, "publish"))!.publications as PublicationOutput[];
  expect(out[0]).toMatchObject({ channel: "instagram_reels", status: "published", platformId: tb.instagram.media[0].id, url: tb.instagram.media[0].permalink });
  expect(out[1]).toMatchObject({ channel: "library", status: "published" });
  const logs = (await tb.engine.db.sql`select message from node_logs where run_id = ${runId}`).map((l) => l.message).join("\n");
  expect(logs).toMatch(/the container was already published by an earlier attempt/);
  const [rows] = await tb.engine.db.sql`select count(*)::int as n from publications where run_id = ${runId}`;
  expect(rows.n).toBe(2);
}, 120_000);

it("a worker killed (SIGKILL) while the webhook POST is in flight: YouTube gets one video, the webhook is redelivered only with the same Idempotency-Key and the redelivery header", async () => {
  const child = await startWorkerProcess();

  // The receiver acts on the delivery, then its answer never reaches the worker.
  tb.webhook.holdAnswers = true;
  const before = { videos: tb.youtube.videos.length, deliveries: tb.webhook.deliveries.length, received: tb.webhook.received.length };
  const runId = await tb.engine.start(tb.publishGraph({ channels: ["youtube_shorts", "webhook"], caption: "Kill me mid-webhook", webhook: { url: tb.webhook.url } }));
  await killWhen(child, () => tb.webhook.deliveries.length !== before.deliveries, "the webhook never received the delivery");
  tb.webhook.holdAnswers = false;
  tb.webhook.release();

  const run = await recover(runId);
  expect(run.status).toBe("succeeded");
  expect(run.nodes.find((n) => n.nodeId === "publish")!.attempts).toBe(2);

  expect(tb.youtube.videos.length - before.videos).toBe(1);
  const key = `${runId}:publish::webhook`;
  expect(tb.webhook.received.slice(before.received)).toEqual([
    { idempotencyKey: key, redelivery: null, deliveryAttempt: "1" },
    { idempotencyKey: key, redelivery: "1", deliveryAttempt: "2" },
  ]);
  expect(tb.webhook.deliveries.length - before.deliveries).toBe(1);
  const out = (await nodeOutput(tb.engine, runId, "publish"))!.publications as PublicationOutput[];
  expect(out.map((p) => [p.channel, p.status])).toEqual([
    ["youtube_shorts", "published"],
    ["webhook", "published"],
  ]);
  expect(out[1].platformId).toBe(tb.webhook.deliveries.at(-1)!.id);
  const logs = (await tb.engine.db.sql`select message from node_logs where run_id = ${runId}`).map((l) => l.message).join("\n");
  expect(logs).toMatch(/webhook: delivering again \(attempt 2\) with the same Idempotency-Key/);
  expect(logs).toMatch(/youtube_shorts: already published by an earlier attempt/);
}, 120_000);

it("a worker killed (SIGKILL) after YouTube stored the video but before its answer arrived: the next attempt reconciles through the upload session, one video", async () => {
  const child = await startWorkerProcess();

  tb.youtube.holdUploadAnswers = true;
  const before = { videos: tb.youtube.videos.length, received: tb.webhook.received.length };
  const runId = await tb.engine.start(tb.publishGraph({ channels: ["youtube_shorts", "webhook"], caption: "Kill me mid-upload", webhook: { url: tb.webhook.url } }));
  await killWhen(child, () => tb.youtube.videos.length !== before.videos, "YouTube never received the whole upload");
  tb.youtube.holdUploadAnswers = false;
  tb.youtube.release();

  const run = await recover(runId);
  expect(run.status).toBe("succeeded");

  expect(tb.youtube.videos.length - before.videos).toBe(1);
  // The webhook was never reached before the crash: one first delivery, no redelivery header.
  expect(tb.webhook.received.slice(before.received)).toEqual([{ idempotencyKey: `${runId}:publish::webhook`, redelivery: null, deliveryAttempt: "1" }]);
  const out = (await nodeOutput(tb.engine, runId, "publish"))!.publications as PublicationOutput[];
  expect(out[0]).toMatchObject({ channel: "youtube_shorts", status: "published", platformId: tb.youtube.videos.at(-1)!.id });
  const logs = (await tb.engine.db.sql`select message from node_logs where run_id = ${runId}`).map((l) => l.message).join("\n");
  expect(logs).toMatch(/youtube: the earlier upload had completed/);
  expect(logs).toMatch(/youtube_shorts: the post of an earlier attempt is on the platform/);
}, 120_000);
