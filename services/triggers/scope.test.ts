/** Workspaces: the API's view of triggers, plans and the calendar stops at the caller's workspace. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateTriggerBodySchema, ContentPlanBodySchema } from "../../schemas/triggers.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, triggerTestEnv } from "../../test/triggers.js";
import { buildCalendar } from "./calendar.js";
import { createContentPlan } from "./content-plan.js";
import { createTrigger, getTrigger } from "./store.js";
import { systemScope } from "../../lib/scope.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe("workspace scope", () => {
  it("a trigger, a graph to plan and calendar items of another workspace are not found", async () => {
    const env = triggerTestEnv(db, testRegistry(), new FakeClock("2025-06-02T08:00:00Z"));
    const [mine] = await db.sql<{ id: string }[]>`insert into workspaces (name) values ('Mine') returning id`;
    const [theirs] = await db.sql<{ id: string }[]>`insert into workspaces (name) values ('Theirs') returning id`;
    const [g] = await db.sql<{ id: string }[]>`
      insert into graphs (name, document, workspace_id) values ('Theirs', ${JSON.stringify(graph([{ id: "a", type: "test.const" }]))}::jsonb, ${theirs.id}) returning id`;
    const cron = CreateTriggerBodySchema.parse({ kind: "cron", config: { expression: "0 9 * * *" } });

    expect(await createTrigger(env, g.id, cron, { workspaceId: mine.id })).toBeNull();
    const t = (await createTrigger(env, g.id, cron, { workspaceId: theirs.id }))!;
    expect(await getTrigger(env, t.id, { workspaceId: mine.id })).toBeNull();
    expect(await getTrigger(env, t.id, { workspaceId: theirs.id })).toMatchObject({ id: t.id });
    expect(await getTrigger(env, t.id, systemScope("test"))).toMatchObject({ id: t.id });

    const plan = ContentPlanBodySchema.parse({ graphId: g.id, channels: ["tiktok"], postsPerDay: 1, start: "2025-06-03", dryRun: true });
    expect(await createContentPlan(env, plan, { workspaceId: mine.id })).toBeNull();
    expect(await createContentPlan(env, plan, { workspaceId: theirs.id })).not.toBeNull();

    const q = { start: "2025-06-02", days: 3, timezone: "UTC" };
    const count = async (workspaceId: string) => (await buildCalendar(env, { workspaceId }, q)).days.flatMap((d) => d.items).length;
    expect(await count(theirs.id)).toBe(3);
    expect(await count(mine.id)).toBe(0);
  });
});
