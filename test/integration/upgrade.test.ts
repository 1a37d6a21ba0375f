/**
 * Upgrading from release 2577c56: a database holding that release's in-flight work (a review
 * waiting for a decision, an Instagram post waiting for the publish scheduler, a graph and a
 * trigger that still list the retired allowHosts) is migrated by today's migrate(), and today's
 * worker, services and background loops finish that work.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../db/index.js";
import { systemScope } from "../../lib/scope.js";
import { RunEventHub } from "../../engine/events.js";
import { startRunFromDocument, waitForRun } from "../../engine/runs.js";
import { startWorker, type WorkerHandle } from "../../engine/worker.js";
import { ALLOW_HOSTS_IGNORED, assetSource } from "../../nodes/asset-source/definition.js";
import { createLocalProvider } from "../../nodes/providers/local/index.js";
import { renderTestVideo } from "../test-videos.js";
import { reviewHuman } from "../../nodes/review-human/definition.js";
import type { MediaRef } from "../../schemas/index.js";
import { publishSchedulerLoop } from "../../server/background/publish-scheduler.js";
import { reviewDeadlineLoop } from "../../server/background/review-deadlines.js";
import { controlProviders } from "../../services/control-providers.js";
import { getGraph } from "../../services/graphs.js";
import { getPublication } from "../../services/publications.js";
import { decideReview } from "../../services/review-decisions.js";
import { createMediaStorage, type WorkerMediaStorage } from "../../services/storage.js";
import { getTrigger, triggerView } from "../../services/triggers/store.js";
import type { TestDatabase } from "../db.js";
import { startFakeInstagram, type FakeInstagram } from "../fakes/instagram-server.js";
import { createOldDatabase, seedOldState, type OldState } from "../fixtures/release-2577c56.js";
import { testRegistry } from "../nodes.js";
import { videoConstNode } from "../publish.js";

const registry = testRegistry().register(reviewHuman).register(videoConstNode).register(assetSource);

// The upgrade acts as the operator would, for every workspace.
const upgradeScope = systemScope("upgrade test");

let db: TestDatabase;
let home: string;
let storage: WorkerMediaStorage;
let instagram: FakeInstagram;
let worker: WorkerHandle | undefined;
let old: OldState;
let video: MediaRef;
let appliedBefore = 0;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  instagram = await startFakeInstagram();
  const env = {
    INSTAGRAM_GRAPH_URL: instagram.graphUrl,
    INSTAGRAM_UPLOAD_URL: instagram.uploadUrl,
    INSTAGRAM_ACCESS_TOKEN: instagram.token,
    INSTAGRAM_USER_ID: instagram.userId,
    GENJED_PUBLIC_URL: "http://studio.test",
  };
  for (const [k, v] of Object.entries(env)) {
    savedEnv[k] = process.env[k];
    process.env[k] = v;
  }
  db = await createOldDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), "genjed-upgrade-"));
  storage = createMediaStorage({ root: path.join(home, "media"), sql: db.sql });
  video = await storage.put({ path: await renderTestVideo(await storage.tempDir(), "vertical", { durationSec: 1 }) }, { mime: "video/mp4", meta: { aspectRatio: "9:16" } });
  // The post was due while the server was down for the upgrade.
  old = await seedOldState(db.sql, { video, scheduledAt: new Date(Date.now() - 60_000).toISOString(), instagramUserId: instagram.userId });

  appliedBefore = (await db.sql`select 1 from drizzle.__drizzle_migrations`).length;
  await migrate(db);
  worker = await startWorker({
    database: db,
    registry,
    storage,
    providers: { local: createLocalProvider, ...controlProviders(db.sql, { publicUrl: env.GENJED_PUBLIC_URL }) },
    concurrency: 2,
    pollIntervalMs: 200,
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await db?.drop();
  await instagram?.close();
  if (home) await rm(home, { recursive: true, force: true });
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("upgrading a 2577c56 database with work in flight", () => {
  it("applies the new migrations over the old schema", async () => {
    const [cols] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from information_schema.columns
      where table_name = 'node_runs' and column_name in ('attempt_log', 'attempt_started_at', 'resume_state')`;
    expect(cols.n).toBe(3);
    const applied = await db.sql`select hash from drizzle.__drizzle_migrations`;
    expect(appliedBefore).toBe(8);
    expect(applied.length).toBeGreaterThan(8);
  });

  it("finishes a run whose review was waiting: the decision resumes it and the downstream node runs", async () => {
    const { review, runStatus } = await decideReview(db.sql, registry, old.reviewId, { decision: "approve", reviewer: "ana" }, upgradeScope);
    expect(review).toMatchObject({ status: "decided" });
    expect(["running", "succeeded"]).toContain(runStatus);
    const run = await waitForRun(db.sql, old.reviewRunId, { timeoutMs: 30_000 });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    expect(run.nodes.map((n) => [n.nodeId, n.status]).sort()).toEqual([
      ["after", "succeeded"],
      ["clip", "succeeded"],
      ["review", "succeeded"],
    ]);
    const [after] = await db.sql<{ output: { out: MediaRef[] } }[]>`select output from run_nodes where run_id = ${old.reviewRunId} and node_id = 'after'`;
    expect(after.output.out.map((v) => v.hash)).toEqual([video.hash]);
  });

  it("applies the default action of a review whose deadline passed during the upgrade, with the current deadline loop", async () => {
    const hub = new RunEventHub(db.sql);
    const logs: string[] = [];
    const loop = await reviewDeadlineLoop({ intervalMs: 100, log: (m) => logs.push(m) })({ database: db, registry, hub, mediaRoot: path.join(home, "media") });
    try {
      const run = await waitForRun(db.sql, old.overdueRunId, { timeoutMs: 30_000 });
      expect(run.status, `${JSON.stringify(run.error)} ${logs.join("; ")}`).toBe("succeeded");
      // The first review's run made the same collect already: a cache hit is as good as a run.
      expect(["succeeded", "cached"]).toContain(run.nodes.find((n) => n.nodeId === "after")?.status);
    } finally {
      await loop.stop();
    }
    const [d] = await db.sql`select decision, reviewer, automatic from review_decisions where review_id = ${old.overdueReviewId}`;
    expect(d).toMatchObject({ decision: "approve", reviewer: "system:deadline", automatic: true });
  });

  it("retries a node item that was queued for its retry before the upgrade", async () => {
    const run = await waitForRun(db.sql, old.retryRunId, { timeoutMs: 30_000 });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    const [n1] = await db.sql<{ attempts: number; output: unknown; error: unknown }[]>`
      select attempts, output, error from node_runs where run_id = ${old.retryRunId} and node_id = 'n1'`;
    expect(n1).toMatchObject({ attempts: 2, output: { out: 42 }, error: null });
  });

  it("publishes the scheduled Instagram post with the current publish scheduler", async () => {
    const hub = new RunEventHub(db.sql);
    const loop = await publishSchedulerLoop({ intervalMs: 100, pollMs: 20, log: () => {} })({ database: db, registry, hub, mediaRoot: path.join(home, "media") });
    try {
      for (let i = 0; ; i++) {
        const p = await getPublication(db.sql, old.publicationId);
        if (p?.status === "published" || p?.status === "failed") break;
        if (i > 300) throw new Error(`publication still ${p?.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await loop.stop();
    }
    const p = await getPublication(db.sql, old.publicationId);
    expect(p, JSON.stringify(p?.error)).toMatchObject({ status: "published", platformId: instagram.media[0].id, url: instagram.media[0].permalink });
    expect(instagram.media).toHaveLength(1);
    expect(instagram.media[0].caption).toBe("Meet Aurora\n\n#lamp #home");
  });

  it("loads and runs a graph saved with allowHosts, warning that the list is ignored", async () => {
    const graph = await getGraph(db, old.graphId, upgradeScope);
    expect(graph).not.toBeNull();
    const { runId } = await startRunFromDocument(db.sql, registry, { document: graph!.document, graphId: old.graphId });
    const run = await waitForRun(db.sql, runId, { timeoutMs: 30_000 });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    const logs = await db.sql<{ level: string; message: string }[]>`select level, message from node_logs where run_id = ${runId}`;
    expect(logs).toContainEqual({ level: "warn", message: ALLOW_HOSTS_IGNORED });
  });

  it("loads a condition trigger saved with allowHosts", async () => {
    const row = await getTrigger({ database: db, registry, now: () => new Date() }, old.triggerId, upgradeScope);
    expect(row).not.toBeNull();
    const view = triggerView(row!, new Date());
    expect(view).toMatchObject({ kind: "condition", enabled: false, config: { feed: "http://127.0.0.1:9/feed.json" } });
  });
});
