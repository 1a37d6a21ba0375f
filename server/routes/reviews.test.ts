import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../db/index.js";
import { RunEventHub } from "../../engine/events.js";
import { cancelRun, getRun, waitForRun } from "../../engine/runs.js";
import { imageGenerate } from "../../nodes/image-generate/definition.js";
import { createLocalProvider } from "../../nodes/providers/local/index.js";
import { reviewHuman } from "../../nodes/review-human/definition.js";
import type { MediaRef } from "../../schemas/index.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { asSession, createMember, createTestWorkspace, sessionFor, signedInOwner, type Requester, type TestSession } from "../../test/auth.js";
import { createApp } from "../app.js";
import { reviewDeadlineLoop } from "../background/review-deadlines.js";
import { reviewFeature } from "./reviews.js";
import { systemScope } from "../../lib/scope.js";

let engine: TestEngine;
let hub: RunEventHub;
let app: Requester;
let session: TestSession;
let mediaRoot: string;

const registry = testRegistry().register(imageGenerate).register(reviewHuman);

beforeAll(async () => {
  engine = await startTestEngine(registry, { providers: { local: createLocalProvider } });
  mediaRoot = await mkdtemp(path.join(os.tmpdir(), "genjed-reviews-"));
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  const signed = await signedInOwner(createApp({ database: engine.db, registry, hub, mediaRoot }, [reviewFeature]), engine.db.sql);
  app = signed;
  session = signed.session;
});

/** The recorded reviewer: the signed-in account, with the name the client gave. */
const by = (name: string) => expect.stringMatching(new RegExp(`<owner-[0-9a-f]+@test\\.local> \\(as "${name}"\\)$`));
afterAll(async () => {
  await hub?.stop();
  await engine?.stop();
  await rm(mediaRoot, { recursive: true, force: true });
});

/** prompts -> image.generate (fanned out) -> review.human -> collect */
const reviewGraph = (review: Record<string, unknown> = {}, prompts = ["a red desk lamp", "a blue desk lamp", "a green desk lamp"]) =>
  graph(
    [
      { id: "prompts", type: "test.list", config: { items: prompts } },
      { id: "gen", type: "image.generate", config: {} },
      { id: "review", type: "review.human", config: review },
      { id: "after", type: "test.collect" },
    ],
    [
      ["prompts", "items", "gen", "prompt"],
      ["gen", "image", "review", "image"],
      ["review", "images", "after", "items"],
    ],
  );

const post = (a: Requester, url: string, body: unknown) => a.request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function startAndWait(doc: unknown) {
  const runId = await engine.start(doc);
  await waitForRun(engine.db.sql, runId, { until: ["waiting", "failed", "succeeded"], timeoutMs: 30_000 });
  const list = await (await app.request(`/api/reviews?runId=${runId}`)).json();
  expect(list).toHaveLength(1);
  return { runId, review: list[0] };
}

const statusOf = async (runId: string, nodeId: string) => (await getRun(engine.db.sql, runId, systemScope("test")))!.nodes.filter((n) => n.nodeId === nodeId).map((n) => n.status);

describe("human review", () => {
  it("pauses the run, survives a server and worker restart while waiting, and resumes on approve", async () => {
    const { runId, review } = await startAndWait(reviewGraph());
    expect(await statusOf(runId, "review")).toEqual(["waiting"]);
    expect((await getRun(engine.db.sql, runId, systemScope("test")))!.status).toBe("waiting");
    expect(review).toMatchObject({
      status: "pending",
      runId,
      nodeId: "review",
      allowedDecisions: ["approve", "reject", "revise", "select"],
      items: [
        { id: "image-0", kind: "image", media: { kind: "image" } },
        { id: "image-1", kind: "image" },
        { id: "image-2", kind: "image" },
      ],
      revisions: { used: 0, max: 3 },
    });
    expect(await statusOf(runId, "after")).toEqual([]);

    // Stop the worker and the "server" (its event hub and app); nothing is held in memory.
    await Promise.all(engine.workers.splice(0).map((w) => w.stop()));
    await hub.stop();
    const restarted: Database = connectDatabase(engine.db.url);
    const hub2 = new RunEventHub(restarted.sql);
    await hub2.start();
    const app2 = asSession(createApp({ database: restarted, registry, hub: hub2, mediaRoot }, [reviewFeature]), session);
    try {
      const again = await (await app2.request(`/api/reviews/${review.id}`)).json();
      expect(again).toMatchObject({ id: review.id, status: "pending", runStatus: "waiting" });
      await engine.startWorker();

      const decided = await post(app2, `/api/reviews/${review.id}/decision`, { decision: "approve", reviewer: "alice", notes: "looks right" });
      expect(decided.status).toBe(200);
      expect((await decided.json()).review).toMatchObject({ status: "decided", decision: { decision: "approve", reviewer: by("alice"), notes: "looks right", automatic: false } });
      const run = await waitForRun(engine.db.sql, runId, { timeoutMs: 30_000 });
      expect(run.status).toBe("succeeded");
      const images = (await nodeOutput(engine, runId, "after"))!.out as MediaRef[];
      expect(images.map((i) => i.hash)).toEqual(review.items.map((i: { media: MediaRef }) => i.media.hash));
      const reviewOut = (await nodeOutput(engine, runId, "review"))!;
      expect(reviewOut.decision).toMatchObject({ decision: "approve", reviewer: by("alice"), itemIds: ["image-0", "image-1", "image-2"] });
    } finally {
      await hub2.stop();
      await restarted.close();
      hub = new RunEventHub(engine.db.sql);
      await hub.start();
      app = asSession(createApp({ database: engine.db, registry, hub, mediaRoot }, [reviewFeature]), session);
    }
  });

  it("reject needs a reason, ends the item skipped and skips what is downstream", async () => {
    const { runId, review } = await startAndWait(reviewGraph());
    const noReason = await post(app, `/api/reviews/${review.id}/decision`, { decision: "reject", reviewer: "bob" });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error).toMatchObject({ code: "NOTES_REQUIRED", message: "a reject needs a reason in notes" });

    const r = await post(app, `/api/reviews/${review.id}/decision`, { decision: "reject", reviewer: "bob", notes: "off-brand colours" });
    expect(r.status).toBe(200);
    const run = await waitForRun(engine.db.sql, runId);
    const node = (id: string) => run.nodes.find((n) => n.nodeId === id)!;
    expect(node("review")).toMatchObject({ status: "skipped", error: { code: "REVIEW_REJECTED", message: expect.stringMatching(/^rejected by .*\(as "bob"\): off-brand colours$/) } });
    expect(node("after")).toMatchObject({ status: "skipped", error: { code: "UPSTREAM_NOT_COMPLETED" } });
  });

  it("revise re-runs the upstream generator with the notes and comes back to review; the loop is bounded", async () => {
    const { runId, review } = await startAndWait(reviewGraph({ maxRevisions: 1 }, ["a desk lamp"]));
    const first = review.items[0].media as MediaRef;
    expect(first.meta.prompt).toBe("a desk lamp");

    const r = await post(app, `/api/reviews/${review.id}/decision`, { decision: "revise", reviewer: "carol", notes: "show it switched on" });
    expect(r.status).toBe(200);
    await waitForRun(engine.db.sql, runId, { until: ["waiting"], timeoutMs: 30_000 });
    const [round2] = await (await app.request(`/api/reviews?runId=${runId}`)).json();
    expect(round2.id).not.toBe(review.id);
    expect(round2.items[0].media.meta.prompt).toBe("a desk lamp. Reviewer notes: show it switched on");
    expect(round2.revisions).toEqual({ used: 1, max: 1 });
    expect(round2.history).toMatchObject([{ decision: "revise", reviewer: by("carol"), notes: "show it switched on", revisionTarget: "gen" }]);
    // The generator ran again (a second execution logged), with the notes in its run config.
    const [patch] = await engine.db.sql`select config_patch from run_nodes where run_id = ${runId} and node_id = 'gen'`;
    expect(patch.config_patch).toEqual({ revisionNotes: [{ item: "", notes: "show it switched on", reviewer: expect.stringContaining('(as "carol")') }] });
    const [runs] = await engine.db.sql`select count(*)::int as n from node_logs where run_id = ${runId} and node_id = 'gen' and message like 'image by %'`;
    expect(runs.n).toBe(2);

    // The old round stays readable and cannot be decided again.
    expect(await (await app.request(`/api/reviews/${review.id}`)).json()).toMatchObject({ status: "decided", decision: { decision: "revise" } });
    const stale = await post(app, `/api/reviews/${review.id}/decision`, { decision: "approve", reviewer: "dave" });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error).toMatchObject({ code: "ALREADY_DECIDED", message: expect.stringMatching(/already decided: revise by .*"carol"/) });

    const tooMany = await post(app, `/api/reviews/${round2.id}/decision`, { decision: "revise", reviewer: "carol", notes: "and brighter" });
    expect(tooMany.status).toBe(409);
    expect((await tooMany.json()).error).toMatchObject({ code: "REVISION_LIMIT", message: expect.stringMatching(/maxRevisions 1/) });

    expect((await post(app, `/api/reviews/${round2.id}/decision`, { decision: "approve", reviewer: "carol" })).status).toBe(200);
    const run = await waitForRun(engine.db.sql, runId);
    expect(run.status).toBe("succeeded");
    expect(((await nodeOutput(engine, runId, "after"))!.out as MediaRef[])[0].meta.prompt).toBe("a desk lamp. Reviewer notes: show it switched on");
  });

  it("select passes only the chosen items on, in the order shown", async () => {
    const { runId, review } = await startAndWait(reviewGraph());
    const unknown = await post(app, `/api/reviews/${review.id}/decision`, { decision: "select", itemIds: ["image-2", "image-9"], reviewer: "erin" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatchObject({ code: "UNKNOWN_ITEM", message: 'unknown item id(s) "image-9"; this review has image-0, image-1, image-2' });
    const empty = await post(app, `/api/reviews/${review.id}/decision`, { decision: "select", itemIds: [], reviewer: "erin" });
    expect((await empty.json()).error.code).toBe("ITEMS_REQUIRED");

    expect((await post(app, `/api/reviews/${review.id}/decision`, { decision: "select", itemIds: ["image-2", "image-0"], reviewer: "erin" })).status).toBe(200);
    const run = await waitForRun(engine.db.sql, runId);
    expect(run.status).toBe("succeeded");
    const kept = ((await nodeOutput(engine, runId, "after"))!.out as MediaRef[]).map((m) => m.hash);
    expect(kept).toEqual([review.items[0].media.hash, review.items[2].media.hash]);
    expect((await nodeOutput(engine, runId, "review"))!.decision).toMatchObject({ decision: "select", itemIds: ["image-0", "image-2"] });
  });

  it("refuses double decisions, decisions on a canceled run and bad bodies with clear 4xx answers", async () => {
    const { runId, review } = await startAndWait(reviewGraph());
    // Two reviewers at once: exactly one wins.
    const [a, b] = await Promise.all([
      post(app, `/api/reviews/${review.id}/decision`, { decision: "approve", reviewer: "frank" }),
      post(app, `/api/reviews/${review.id}/decision`, { decision: "reject", reviewer: "grace", notes: "no" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect((await loser.json()).error.code).toMatch(/ALREADY_DECIDED|REVIEW_NOT_WAITING/);
    const decisions = await engine.db.sql`select count(*)::int as n from review_decisions where review_id = ${review.id}`;
    expect(decisions[0].n).toBe(1);
    expect((await post(app, `/api/reviews/${review.id}/decision`, { decision: "approve", reviewer: "frank" })).status).toBe(409);
    await waitForRun(engine.db.sql, runId);

    const other = await startAndWait(reviewGraph());
    await cancelRun(engine.db.sql, other.runId, systemScope("test"));
    const late = await post(app, `/api/reviews/${other.review.id}/decision`, { decision: "approve", reviewer: "heidi" });
    expect(late.status).toBe(409);
    expect((await late.json()).error).toMatchObject({ code: "REVIEW_NOT_WAITING", message: `review "${other.review.id}" cannot be decided: the run is canceled` });
    expect(await (await app.request(`/api/reviews?runId=${other.runId}`)).json()).toEqual([]);

    const emptyReviewer = await post(app, `/api/reviews/${other.review.id}/decision`, { decision: "approve", reviewer: "" });
    expect(emptyReviewer.status).toBe(400);
    expect((await emptyReviewer.json()).error.message).toBe("reviewer: reviewer must not be empty");
    const badDecision = await post(app, `/api/reviews/${other.review.id}/decision`, { decision: "maybe", reviewer: "x" });
    expect((await badDecision.json()).error).toMatchObject({ code: "INVALID_BODY", message: expect.stringMatching(/^decision:/) });
    for (const id of ["999999", "abc"]) {
      const r = await post(app, `/api/reviews/${id}/decision`, { decision: "approve", reviewer: "x" });
      expect(r.status).toBe(404);
      expect((await app.request(`/api/reviews/${id}`)).status).toBe(404);
    }
    expect((await app.request(`/api/reviews?status=open`)).status).toBe(400);
    const decided = await (await app.request(`/api/reviews?status=decided&runId=${runId}`)).json();
    expect(decided).toMatchObject([{ id: review.id, status: "decided" }]);
  });

  it("records the signed-in account as the reviewer, needs the reviewer role, and keeps workspaces apart", async () => {
    const { runId, review } = await startAndWait(reviewGraph());
    const plain = createApp({ database: engine.db, registry, hub, mediaRoot }, [reviewFeature]);
    const viewer = asSession(plain, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "viewer")));
    expect((await viewer.request(`/api/reviews/${review.id}`)).status).toBe(200);
    const denied = await post(viewer, `/api/reviews/${review.id}/decision`, { decision: "approve" });
    expect(denied.status).toBe(403);
    const outsiderWs = await createTestWorkspace(engine.db.sql);
    const outsider = asSession(plain, await sessionFor(engine.db.sql, await createMember(engine.db.sql, "owner", { workspaceId: outsiderWs })), { workspaceId: outsiderWs });
    expect(await (await outsider.request(`/api/reviews?runId=${runId}`)).json()).toEqual([]);
    expect((await outsider.request(`/api/reviews/${review.id}`)).status).toBe(404);
    expect((await post(outsider, `/api/reviews/${review.id}/decision`, { decision: "approve" })).status).toBe(404);

    const rev = await createMember(engine.db.sql, "reviewer", { name: "Rita" });
    const reviewer = asSession(plain, await sessionFor(engine.db.sql, rev));
    const ok = await post(reviewer, `/api/reviews/${review.id}/decision`, { decision: "approve" });
    expect(ok.status).toBe(200);
    expect((await ok.json()).review.decision.reviewer).toBe(`Rita <${rev.email}>`);
    await waitForRun(engine.db.sql, runId);
    // The decision is in the audit log, with who decided.
    const [entry] = await engine.db.sql`select actor, action, target, details from audit_log where action = 'review.decide' and target = ${String(review.id)}`;
    expect(entry).toMatchObject({ actor: rev.email, details: { decision: "approve" } });
  });

  it("applies the default action when the deadline passes", async () => {
    const service = await reviewDeadlineLoop({ intervalMs: 200, log: () => {} })({ database: engine.db, registry, hub, mediaRoot });
    try {
      const runId = await engine.start(reviewGraph({ deadlineHours: 1 / 3600, defaultAction: "approve" }, ["a lamp"]));
      const run = await waitForRun(engine.db.sql, runId, { timeoutMs: 30_000 });
      expect(run.status).toBe("succeeded");
      const [decided] = await (await app.request(`/api/reviews?status=decided&runId=${runId}`)).json();
      expect(decided.decision).toMatchObject({ decision: "approve", reviewer: "system:deadline", automatic: true, notes: expect.stringMatching(/deadline/) });
    } finally {
      await service.stop();
    }
  });

  it("lets items that all passed QA through without a human", async () => {
    const doc = graph(
      [
        { id: "gen", type: "image.generate", config: {} },
        { id: "prompt", type: "test.const", config: { value: "a lamp" } },
        { id: "qa", type: "test.const", config: { value: { score: 100, route: "pass", flags: [] } } },
        { id: "review", type: "review.human", config: {} },
      ],
      [
        ["prompt", "out", "gen", "prompt"],
        ["gen", "image", "review", "image"],
        ["qa", "out", "review", "qa"],
      ],
    );
    const run = await engine.run(doc);
    expect(run.status).toBe("succeeded");
    expect((await nodeOutput(engine, run.id, "review"))!.decision).toMatchObject({ decision: "approve", reviewer: "qa.gate", automatic: true });
  });
});
