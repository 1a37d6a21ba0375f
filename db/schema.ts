/**
 * Drizzle table definitions. Migrations under migrations/ are generated from this file
 * (`npx drizzle-kit generate`), and applied on start by db/migrate.ts.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users, workspaces } from "./schema-auth.js";

export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow();

/**
 * The workspace a graph or run belongs to. Rows inserted without one land in the default workspace
 * (a SQL function, created by the auth migration), so seeding, CLI runs and older code stay valid.
 */
const workspaceId = () =>
  uuid("workspace_id")
    .default(sql`genjed_default_workspace()`)
    .references(() => workspaces.id);

export const graphs = pgTable(
  "graphs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    workspaceId: workspaceId(),
    /** Materialised JSON view of the live document (the Y.Doc is the source of truth while edited). */
    document: jsonb("document").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("graphs_workspace").on(t.workspaceId, t.updatedAt)],
);

export const graphVersions = pgTable(
  "graph_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    graphId: uuid("graph_id")
      .notNull()
      .references(() => graphs.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    label: text("label"),
    document: jsonb("document").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("graph_versions_graph_number").on(t.graphId, t.number)],
);

export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    graphId: uuid("graph_id").references(() => graphs.id, { onDelete: "set null" }),
    versionId: uuid("version_id").references(() => graphVersions.id, { onDelete: "set null" }),
    workspaceId: workspaceId(),
    name: text("name").notNull(),
    /** The immutable snapshot executed, and its compiled plan. */
    document: jsonb("document").notNull(),
    plan: jsonb("plan").notNull(),
    status: text("status").notNull(),
    budgetUsd: doublePrecision("budget_usd"),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    estimateUsd: doublePrecision("estimate_usd").notNull().default(0),
    concurrency: integer("concurrency").notNull().default(4),
    trigger: jsonb("trigger"),
    error: jsonb("error"),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "string" }),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "string" }),
  },
  (t) => [
    index("runs_graph_created").on(t.graphId, t.createdAt),
    index("runs_created").on(t.createdAt),
    index("runs_workspace_created").on(t.workspaceId, t.createdAt),
    // The daily spending cap sums the workspace's runs still going or finished in the last day.
    index("runs_workspace_finished").on(t.workspaceId, t.finishedAt),
  ],
);

/** Per node of a run: how many upstream nodes it still waits for, and its gathered result. */
export const runNodes = pgTable(
  "run_nodes",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    pendingDeps: integer("pending_deps").notNull(),
    status: text("status").notNull(),
    itemsTotal: integer("items_total"),
    itemsDone: integer("items_done").notNull().default(0),
    output: jsonb("output"),
    /** Config overrides for this node in this run (revise notes, manual inputs). */
    configPatch: jsonb("config_patch"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId] })],
);

/** One execution of a node (or of one fan-out item of it). */
export const nodeRuns = pgTable(
  "node_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    item: text("item").notNull(),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Index into the node's fallback chain currently in use. */
    stage: integer("stage").notNull().default(0),
    progress: doublePrecision("progress").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    costBreakdown: jsonb("cost_breakdown").notNull().default(sql`'[]'::jsonb`),
    /** Estimate held against the budget while the item runs. */
    reservedUsd: doublePrecision("reserved_usd").notNull().default(0),
    inputs: jsonb("inputs"),
    output: jsonb("output"),
    error: jsonb("error"),
    cacheKey: text("cache_key"),
    provider: text("provider"),
    waiting: jsonb("waiting"),
    queuedAt: timestamp("queued_at", { withTimezone: true, mode: "string" }),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "string" }),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "string" }),
    /** Time of the attempt that ended the item (not wall clock from the first start through dead workers). */
    durationMs: bigint("duration_ms", { mode: "number" }),
    /** When the current attempt started: durations count from here. */
    attemptStartedAt: timestamp("attempt_started_at", { withTimezone: true, mode: "string" }),
    /** Ended attempts, oldest first: { attempt, startedAt, endedAt (null: its worker died), outcome }. */
    attemptLog: jsonb("attempt_log").notNull().default(sql`'[]'::jsonb`),
    /** The node's checkpoint (ctx.checkpoint): ids of remote work under way, so a retry resumes it instead of starting it again. */
    resumeState: jsonb("resume_state"),
  },
  (t) => [uniqueIndex("node_runs_run_node_item").on(t.runId, t.nodeId, t.item), index("node_runs_status").on(t.status)],
);

export const nodeLogs = pgTable(
  "node_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    item: text("item").notNull(),
    level: text("level").notNull(),
    message: text("message").notNull(),
    at: timestamp("at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("node_logs_run").on(t.runId, t.id)],
);

/** Content-addressed outputs: key = node type + version + canonical config + input hashes. */
export const cacheEntries = pgTable("cache_entries", {
  key: text("key").primaryKey(),
  nodeType: text("node_type").notNull(),
  output: jsonb("output").notNull(),
  costUsd: doublePrecision("cost_usd").notNull().default(0),
  hits: integer("hits").notNull().default(0),
  createdAt: createdAt(),
});

export const media = pgTable("media", {
  hash: text("hash").primaryKey(),
  mime: text("mime").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  meta: jsonb("meta").notNull().default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
});

/** Liveness of worker processes, so jobs locked by a dead one are released in seconds, not hours. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  processId: text("process_id").primaryKey(),
  workerIds: jsonb("worker_ids").notNull().default(sql`'[]'::jsonb`),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  lastSeen: timestamp("last_seen", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
});

/**
 * Which workspaces may read a stored blob: recorded when a node output naming it is stored, so
 * /media answers 404 across workspaces like every other resource (content hashes are shared,
 * access is not).
 */
export const mediaWorkspaces = pgTable(
  "media_workspaces",
  {
    hash: text("hash").notNull(),
    workspaceId: uuid("workspace_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.workspaceId] })],
);

/**
 * Facts one process records for the others, by name: `public_url` is where the server is reachable
 * (services/public-url.ts), so a worker started elsewhere links to it instead of guessing.
 */
export const serverSettings = pgTable("server_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
});

/**
 * Files a workspace uploaded (POST /api/uploads): the blob lives in media storage by hash; this row
 * is the workspace's own record of it (the name it was uploaded under, who, when), so the same
 * bytes uploaded by two workspaces stay two records and neither sees the other's file name.
 */
export const uploads = pgTable(
  "uploads",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    hash: text("hash").notNull(),
    name: text("name").notNull(),
    mime: text("mime").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.hash] }), index("uploads_workspace_time").on(t.workspaceId, t.createdAt)],
);
