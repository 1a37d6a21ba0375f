/**
 * One scope type, required: a workspace-scoped read of another workspace's run, review, trigger or
 * graph finds nothing, and a call that forgets the scope does not compile (the @ts-expect-error
 * lines below fail `tsc --noEmit` as soon as the scope becomes optional again).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelRun, getRun, getRunLogs, listRuns, retryNode, waitForRun } from "../engine/runs.js";
import { systemScope, workspaceScope, type Scope } from "../lib/scope.js";
import { imageGenerate } from "../nodes/image-generate/definition.js";
import { createLocalProvider } from "../nodes/providers/local/index.js";
import { reviewHuman } from "../nodes/review-human/definition.js";
import { GraphDocumentSchema } from "../schemas/index.js";
import { CreateTriggerBodySchema } from "../schemas/triggers.js";
import { startTestEngine, type TestEngine } from "../test/engine.js";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { FakeClock, triggerTestEnv } from "../test/triggers.js";
import { createVersion, getGraph, getVersion, latestVersion, listGraphs, listVersions } from "./graphs.js";
import { decideReview } from "./review-decisions.js";
import { getReview, listReviews, ReviewError } from "./reviews.js";
import { createTrigger, deleteTrigger, getTrigger, listFires, listTriggers, rotateSecret, updateTrigger } from "./triggers/store.js";

const registry = testRegistry().register(imageGenerate).register(reviewHuman);
let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine(registry, { providers: { local: createLocalProvider } });
});
afterAll(async () => {
  await engine?.stop();
});

/** Never called: only type-checked. Each line is a call that forgets its scope. */
export function forgottenScopesDoNotCompile(e: TestEngine, env: ReturnType<typeof triggerTestEnv>) {
  // @ts-expect-error the scope is required
  void getRun(e.db.sql, "run");
  // @ts-expect-error the scope is required
  void listRuns(e.db.sql);
  // @ts-expect-error the scope is required
  void getReview(e.db.sql, "1");
  // @ts-expect-error the scope is required
  void listReviews(e.db.sql, { runId: "run" });
  // @ts-expect-error the scope is required
  void getTrigger(env, "trigger");
  // @ts-expect-error the scope is required
  void getGraph(e.db, "graph");
  // @ts-expect-error the scope is required
  void listTriggers(env, { graphId: "graph" });
  // @ts-expect-error the scope is required
  void listFires(env, "trigger");
  // @ts-expect-error the scope is required
  void getVersion(e.db, "graph", "version");
  // @ts-expect-error the scope is required
  void listVersions(e.db, "graph");
  // @ts-expect-error the scope is required
  void latestVersion(e.db, "graph");
  // @ts-expect-error the scope is required
  void createVersion(e.db, "graph", { version: 1, name: "g", nodes: [], edges: [] }, "label");
  // @ts-expect-error the scope is required
  void getRunLogs(e.db.sql, "run", { nodeId: "a" });
  // @ts-expect-error the scope is required
  void cancelRun(e.db.sql, "run");
  // @ts-expect-error the scope is required
  void retryNode(e.db.sql, "run", "node");
  // @ts-expect-error a scope names a workspace or says it is the system's; an empty object is neither
  void getRun(e.db.sql, "run", {});
}

describe("one required scope", () => {
  it("a run, review, trigger and graph of another workspace are not found; a system scope sees all", async () => {
    const sql = engine.db.sql;
    const [mineRow] = await sql<{ id: string }[]>`insert into workspaces (name) values ('Mine') returning id`;
    const [theirsRow] = await sql<{ id: string }[]>`insert into workspaces (name) values ('Theirs') returning id`;
    const mine = workspaceScope(mineRow.id);
    const theirs = workspaceScope(theirsRow.id);
    const system = systemScope("test: acts for every workspace");

    const doc = graph(
      [
        { id: "prompts", type: "test.list", config: { items: ["a red desk lamp"] } },
        { id: "gen", type: "image.generate", config: {} },
        { id: "review", type: "review.human", config: {} },
      ],
      [
        ["prompts", "items", "gen", "prompt"],
        ["gen", "image", "review", "image"],
      ],
    );
    const [g] = await sql<{ id: string }[]>`
      insert into graphs (name, document, workspace_id) values ('Theirs', ${JSON.stringify(doc)}::jsonb, ${theirsRow.id}) returning id`;
    const runId = await engine.start(doc, { graphId: g.id, workspaceId: theirsRow.id });
    await waitForRun(sql, runId, { until: ["waiting", "failed", "succeeded"], timeoutMs: 30_000 });

    // Runs.
    expect(await getRun(sql, runId, mine)).toBeNull();
    expect((await listRuns(sql, mine)).map((r) => r.id)).not.toContain(runId);
    expect(await getRun(sql, runId, theirs)).toMatchObject({ id: runId, status: "waiting" });
    expect((await listRuns(sql, theirs)).map((r) => r.id)).toEqual([runId]);
    expect((await listRuns(sql, system)).map((r) => r.id)).toContain(runId);

    // Reviews.
    const [review] = await listReviews(sql, theirs, { runId });
    expect(review).toMatchObject({ runId, status: "pending" });
    expect(await listReviews(sql, mine, { runId })).toEqual([]);
    expect(await getReview(sql, review.id, mine)).toBeNull();
    expect(await getReview(sql, review.id, system)).toMatchObject({ id: review.id });
    const refused = await decideReview(sql, registry, review.id, { decision: "approve", reviewer: "intruder" }, mine).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReviewError);
    expect((refused as ReviewError).status).toBe(404);
    expect(await getReview(sql, review.id, theirs)).toMatchObject({ status: "pending" });

    // Triggers and graphs.
    const env = triggerTestEnv(engine.db, registry, new FakeClock("2025-06-02T08:00:00Z"));
    const cron = CreateTriggerBodySchema.parse({ kind: "cron", config: { expression: "0 9 * * *" } });
    expect(await createTrigger(env, g.id, cron, mine)).toBeNull();
    const t = (await createTrigger(env, g.id, cron, theirs))!;
    expect(await getTrigger(env, t.id, mine)).toBeNull();
    expect(await updateTrigger(env, t.id, { enabled: false }, mine)).toBeNull();
    expect(await getTrigger(env, t.id, theirs)).toMatchObject({ id: t.id, enabled: true });
    expect(await getTrigger(env, t.id, system)).toMatchObject({ id: t.id });
    expect(await deleteTrigger(env, t.id, mine)).toBe(false);
    expect(await getTrigger(env, t.id, theirs)).not.toBeNull();
    const hooks = triggerTestEnv(engine.db, registry, new FakeClock("2025-06-02T08:00:00Z"), { secretKey: randomBytes(32) });
    const hook = (await createTrigger(hooks, g.id, CreateTriggerBodySchema.parse({ kind: "webhook" }), theirs))!;
    expect(await rotateSecret(hooks, hook.id, mine)).toBeNull();
    expect(await rotateSecret(hooks, hook.id, theirs)).toMatchObject({ id: hook.id, secret: expect.any(String) });
    expect(await deleteTrigger(env, t.id, theirs)).toBe(true);
    expect(await getGraph(engine.db, g.id, mine)).toBeNull();
    expect((await listGraphs(engine.db, mine)).map((x) => x.id)).not.toContain(g.id);
    expect(await getGraph(engine.db, g.id, theirs)).toMatchObject({ id: g.id });
  });

  it("another workspace's versions, triggers, fires and logs are not found; its run is not canceled or retried", async () => {
    const sql = engine.db.sql;
    const [mineRow] = await sql<{ id: string }[]>`insert into workspaces (name) values ('Mine 2') returning id`;
    const [theirsRow] = await sql<{ id: string }[]>`insert into workspaces (name) values ('Theirs 2') returning id`;
    const mine = workspaceScope(mineRow.id);
    const theirs = workspaceScope(theirsRow.id);
    const system = systemScope("test: acts for every workspace");
    const doc = graph(
      [
        { id: "prompts", type: "test.list", config: { items: ["a blue chair"] } },
        { id: "gen", type: "image.generate", config: {} },
        { id: "review", type: "review.human", config: {} },
      ],
      [
        ["prompts", "items", "gen", "prompt"],
        ["gen", "image", "review", "image"],
      ],
    );
    const [g] = await sql<{ id: string }[]>`
      insert into graphs (name, document, workspace_id) values ('Theirs 2', ${JSON.stringify(doc)}::jsonb, ${theirsRow.id}) returning id`;

    // Versions.
    const saved = GraphDocumentSchema.parse(doc);
    expect(await createVersion(engine.db, g.id, saved, mine, "intruder")).toBeNull();
    const v = (await createVersion(engine.db, g.id, saved, theirs, "v1"))!;
    expect(v).toMatchObject({ graphId: g.id, number: 1 });
    expect(await getVersion(engine.db, g.id, v.id, mine)).toBeNull();
    expect(await listVersions(engine.db, g.id, mine)).toEqual([]);
    expect(await latestVersion(engine.db, g.id, mine)).toBeNull();
    expect(await getVersion(engine.db, g.id, v.id, theirs)).toMatchObject({ id: v.id });
    expect((await listVersions(engine.db, g.id, theirs)).map((x) => x.id)).toEqual([v.id]);
    expect(await latestVersion(engine.db, g.id, system)).toMatchObject({ id: v.id });

    // Triggers and their fires.
    const env = triggerTestEnv(engine.db, registry, new FakeClock("2025-06-02T08:00:00Z"));
    const t = (await createTrigger(env, g.id, CreateTriggerBodySchema.parse({ kind: "cron", config: { expression: "0 9 * * *" } }), theirs))!;
    await sql`insert into trigger_fires (trigger_id, dedupe_key, status, fired_at) values (${t.id}, 'at:test', 'skipped', now())`;
    expect(await listTriggers(env, mine, { graphId: g.id })).toEqual([]);
    expect((await listTriggers(env, mine)).map((x) => x.id)).not.toContain(t.id);
    expect((await listTriggers(env, theirs, { graphId: g.id })).map((x) => x.id)).toEqual([t.id]);
    expect((await listTriggers(env, system, { graphId: g.id })).map((x) => x.id)).toEqual([t.id]);
    expect(await listFires(env, t.id, mine)).toEqual([]);
    expect(await listFires(env, t.id, theirs)).toHaveLength(1);
    expect(await listFires(env, t.id, system)).toHaveLength(1);

    // A run: its logs, cancel and retry.
    const runId = await engine.start(doc, { graphId: g.id, workspaceId: theirsRow.id });
    await waitForRun(sql, runId, { until: ["waiting", "failed", "succeeded"], timeoutMs: 30_000 });
    await sql`insert into node_logs (run_id, node_id, item, level, message) values (${runId}, 'gen', '0', 'info', 'theirs')`;
    expect(await getRunLogs(sql, runId, mine)).toEqual([]);
    expect((await getRunLogs(sql, runId, theirs)).map((l) => l.message)).toContain("theirs");
    expect((await getRunLogs(sql, runId, system)).map((l) => l.message)).toContain("theirs");
    const before = (await getRun(sql, runId, system))!;
    expect(before.status).toBe("waiting");
    expect(await retryNode(sql, runId, "gen", mine)).toBe(false);
    expect(await cancelRun(sql, runId, mine)).toBe(false);
    const after = (await getRun(sql, runId, system))!;
    expect(after.status).toBe("waiting");
    expect(after.nodes.map((n) => [n.nodeId, n.status, n.attempts])).toEqual(before.nodes.map((n) => [n.nodeId, n.status, n.attempts]));
    expect(await cancelRun(sql, runId, theirs)).toBe(true);
    expect((await getRun(sql, runId, system))!.status).toBe("canceled");
  });

  it("a scope forged past the type checker (no workspace, not the system's) is refused, not widened", async () => {
    const sql = engine.db.sql;
    const runId = await engine.start(graph([{ id: "a", type: "test.const" }]));
    await waitForRun(sql, runId);
    const forged = [{ workspaceId: undefined }, { workspaceId: "" }, {}, { trusted: "yes" }] as unknown as Scope[];
    for (const scope of forged) {
      await expect(getRun(sql, runId, scope), JSON.stringify(scope)).rejects.toThrow(/scope names no workspace/);
      await expect(listReviews(sql, scope), JSON.stringify(scope)).rejects.toThrow(/scope names no workspace/);
      await expect(getGraph(engine.db, "00000000-0000-0000-0000-000000000000", scope)).rejects.toThrow(/scope names no workspace/);
    }
  });
});
