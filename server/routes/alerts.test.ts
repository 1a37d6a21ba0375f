import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_RULES, evaluateAlerts } from "../../services/alerts.js";
import { RunEventHub } from "../../engine/events.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { asSession, createMember, createTestWorkspace, sessionFor, signedInOwner, type Requester } from "../../test/auth.js";
import { createApp } from "../app.js";
import { alertEvaluatorLoop, generationTypesOf } from "../background/alert-evaluator.js";
import { alertFeature } from "./alerts.js";

let engine: TestEngine;
let hub: RunEventHub;
let app: Requester;
let service: { stop(): Promise<void> };
let other: Requester;
let workspaceId: string;
/** A run of the default workspace that fixture publications belong to. */
let fixtureRunId: string;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
  hub = new RunEventHub(engine.db.sql);
  await hub.start();
  const deps = { database: engine.db, registry: engine.registry, hub, mediaRoot: path.join(engine.home, "media") };
  app = await signedInOwner(createApp(deps, [alertFeature]), engine.db.sql);
  workspaceId = (await engine.db.sql<{ id: string }[]>`select id from workspaces where is_default`)[0].id;
  const otherWs = await createTestWorkspace(engine.db.sql, "Other studio");
  other = asSession(createApp(deps, [alertFeature]), await sessionFor(engine.db.sql, await createMember(engine.db.sql, "owner", { workspaceId: otherWs })), { workspaceId: otherWs });
  // The fixture run's end must not reach the evaluator: heard late (a loaded machine delivers the
  // NOTIFY after the first test has added publications), it would be credited with that test's alert.
  const fixtureEnded = new Promise<void>((resolve) => {
    const off = hub.subscribe((e) => {
      if (e.kind === "run" && e.status === "succeeded") {
        off();
        resolve();
      }
    });
  });
  fixtureRunId = (await engine.run(graph([{ id: "fixture", type: "test.const", config: { value: "fixture" } }]))).id;
  await fixtureEnded;
  service = await alertEvaluatorLoop({ debounceMs: 50, log: () => {} })(deps);
});
afterAll(async () => {
  await service?.stop();
  await hub?.stop();
  await engine?.stop();
});

const addPublications = async (status: "published" | "failed", n: number) => {
  for (let i = 0; i < n; i++) {
    await engine.db.sql`insert into publications (idempotency_key, run_id, channel, status, request) values (${`fixture:${status}:${Math.random()}`}, ${fixtureRunId}, 'tiktok', ${status}, '{}'::jsonb)`;
  }
};

/** Run a tiny graph to completion: the evaluator hears the run end and evaluates. */
async function runAndSettle() {
  const run = await engine.run(graph([{ id: "a", type: "test.const", config: { value: 1 } }]));
  const evaluatedAfter = Date.now();
  for (let i = 0; i < 100; i++) {
    const [r] = await engine.db.sql`select max(updated_at) as at from alerts`;
    if (r.at && new Date(r.at).getTime() >= evaluatedAfter - 1000) break;
    await new Promise((res) => setTimeout(res, 30));
  }
  await new Promise((res) => setTimeout(res, 200));
  return run;
}

const getAlerts = async (q = "") => (await app.request(`/api/alerts${q}`)).json();

describe("alerts", () => {
  it("lists the rules as data with their current readings", async () => {
    const { rules, alerts } = await getAlerts();
    expect(alerts).toEqual([]);
    expect(rules.map((r: { id: string; op: string; threshold: number }) => [r.id, r.op, r.threshold])).toEqual([
      ["generation-success-rate", "<", 0.9],
      ["review-queue-size", ">", 100],
      ["distribution-failure-rate", ">", 0.05],
      ["roas", "<", 2],
    ]);
    expect(rules.find((r: { id: string }) => r.id === "review-queue-size")).toMatchObject({ state: "ok", value: 0, detail: "0 review(s) waiting" });
    expect(rules.find((r: { id: string }) => r.id === "roas")).toMatchObject({ state: "no data" });
  });

  it("fires when distribution failures cross 5% after a run, and resolves when they fall back", async () => {
    await addPublications("published", 9);
    await addPublications("failed", 1);
    const run = await runAndSettle();
    const { alerts } = await getAlerts("?status=firing");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      ruleId: "distribution-failure-rate",
      status: "firing",
      severity: "critical",
      value: 0.1,
      threshold: 0.05,
      runId: run.id,
      message: "Distribution failure rate is 10.0% (1 of 10 publication(s) in the last 24 h failed), above 5.0%",
    });
    // Still failing on the next run: the same alert, not a second one.
    await runAndSettle();
    expect((await getAlerts("?status=firing")).alerts.map((a: { id: string }) => a.id)).toEqual([alerts[0].id]);

    await addPublications("published", 90);
    await runAndSettle();
    const after = await getAlerts();
    expect(after.alerts).toMatchObject([{ id: alerts[0].id, status: "resolved", resolvedAt: expect.any(String) }]);
    expect(after.rules.find((r: { id: string }) => r.id === "distribution-failure-rate")).toMatchObject({ state: "ok", value: 0.01 });
  });

  it("fires on a generation success rate below 90% from real failed steps, and on ROAS below 2", async () => {
    expect(generationTypesOf(engine.registry)).toEqual(["test.step"]);
    const steps = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, type: "test.step", config: { permanentError: i < 2 }, retry: { maxAttempts: 1 } }));
    const run = await engine.run(graph(steps));
    expect(run.status).toBe("failed");
    const [pub] = await engine.db.sql`select id from publications limit 1`;
    await engine.db.sql`insert into metric_samples (publication_id, channel, metric, value, source) values (${pub.id}, 'tiktok', 'revenue', 30, 'attribution'), (${pub.id}, 'tiktok', 'spend', 20, 'attribution')`;
    await runAndSettle();
    const { alerts } = await getAlerts("?status=firing");
    const byRule = Object.fromEntries(alerts.map((a: { ruleId: string }) => [a.ruleId, a]));
    expect(byRule["generation-success-rate"]).toMatchObject({ value: 4 / 6, message: "Generation success rate is 66.7% (4 of 6 generation step(s) in the last 24 h succeeded), below 90.0%" });
    expect(byRule.roas).toMatchObject({ value: 1.5, severity: "warning", message: "ROAS is 1.50x ($30.00 revenue on $20.00 spend over 1 publication(s) in the last 7 day(s)), below 2.00x" });

    // Another workspace sees none of it: its own (empty) readings and no alerts.
    const elsewhere = await (await other.request("/api/alerts")).json();
    expect(elsewhere.alerts).toEqual([]);
    expect(elsewhere.rules.find((r: { id: string }) => r.id === "generation-success-rate")).toMatchObject({ state: "no data", samples: 0 });
    expect(elsewhere.rules.find((r: { id: string }) => r.id === "distribution-failure-rate")).toMatchObject({ state: "no data", samples: 0 });
  });

  it("concurrent evaluations never open a rule's alert twice; bad queries are refused", async () => {
    await engine.db.sql`delete from alerts`;
    const rule = { ...ALERT_RULES.find((r) => r.id === "review-queue-size")!, id: "queue-test", op: ">" as const, threshold: -1 };
    await Promise.all(Array.from({ length: 5 }, () => evaluateAlerts(engine.db.sql, { generationTypes: [], workspaceId }, [rule])));
    const rows = await engine.db.sql`select count(*)::int as n from alerts where rule_id = 'queue-test'`;
    expect(rows[0].n).toBe(1);
    const bad = await app.request("/api/alerts?status=loud");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe('status: must be firing, resolved or all; got "loud"');
  });
});
