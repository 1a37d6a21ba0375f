/**
 * Control and distribution: human review decisions, the publication ledger (which doubles as the
 * content library), the library's own view/click tracking, metric time series and fired alerts.
 */
import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { runs } from "./schema.js";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

/**
 * Every decision on a review, who made it, when and why. `review_id` is the waiting node_runs row
 * the reviewer saw; it is unique, so a second decision on the same review cannot be recorded.
 */
export const reviewDecisions = pgTable(
  "review_decisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reviewId: bigint("review_id", { mode: "number" }).notNull(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    item: text("item").notNull(),
    /** approve | reject | revise | select */
    decision: text("decision").notNull(),
    /** The chosen candidates (select), or every candidate (approve). */
    itemIds: jsonb("item_ids").notNull().default(sql`'[]'::jsonb`),
    /** Why: the reject reason or the revise notes. */
    notes: text("notes"),
    reviewer: text("reviewer").notNull(),
    /** Made by the deadline's default action, not a person. */
    automatic: boolean("automatic").notNull().default(false),
    /** revise: the upstream node that was sent the notes. */
    revisionTarget: text("revision_target"),
    /** What the reviewer was shown (the review may be gone from node_runs after a revise). */
    payload: jsonb("payload").notNull(),
    decidedAt: at("decided_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("review_decisions_review").on(t.reviewId), index("review_decisions_item").on(t.runId, t.nodeId, t.item)],
);

/**
 * The publication ledger. A row is written (the intent) before any platform is called, keyed by the
 * node's idempotency key + channel; each platform step checkpoints what it got back into
 * `platform_state`, so a retry after a crash resumes or recovers instead of posting again.
 * Library publications live here too: the public library page and feeds read them.
 */
export const publications = pgTable(
  "publications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    idempotencyKey: text("idempotency_key").notNull(),
    runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
    nodeId: text("node_id"),
    item: text("item"),
    channel: text("channel").notNull(),
    /** pending (intent recorded / in flight) | scheduled | published | failed */
    status: text("status").notNull(),
    /** What to publish: media, caption, hashtags, title, channel settings (the scheduler replays it). */
    request: jsonb("request").notNull(),
    platformState: jsonb("platform_state").notNull().default(sql`'{}'::jsonb`),
    platformId: text("platform_id"),
    url: text("url"),
    mediaHash: text("media_hash"),
    productId: text("product_id"),
    /** { aspectRatio, width, height, durationSec } of what was published. */
    format: jsonb("format").notNull().default(sql`'{}'::jsonb`),
    error: jsonb("error"),
    attempts: integer("attempts").notNull().default(0),
    scheduledAt: at("scheduled_at"),
    publishedAt: at("published_at"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("publications_idempotency").on(t.idempotencyKey),
    index("publications_channel_published").on(t.channel, t.publishedAt),
    index("publications_due").on(t.status, t.scheduledAt),
    index("publications_run").on(t.runId),
  ],
);

/** Views and clicks of library items, counted by our own pages. */
export const libraryEvents = pgTable(
  "library_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    publicationId: uuid("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    /** view | click */
    kind: text("kind").notNull(),
    /** A salted hash of address + user agent: unique visitors without storing either. */
    visitor: text("visitor"),
    referrer: text("referrer"),
    at: at("at").notNull().defaultNow(),
  },
  (t) => [index("library_events_pub").on(t.publicationId, t.kind, t.at)],
);

/** Metric time series: one row per publication, metric and collection (values as the source reports them). */
export const metricSamples = pgTable(
  "metric_samples",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    publicationId: uuid("publication_id")
      .notNull()
      .references(() => publications.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    metric: text("metric").notNull(),
    value: doublePrecision("value").notNull(),
    windowStart: at("window_start"),
    windowEnd: at("window_end"),
    collectedAt: at("collected_at").notNull().defaultNow(),
    /** Which API (or "library") reported it. */
    source: text("source").notNull(),
  },
  (t) => [index("metric_samples_series").on(t.publicationId, t.metric, t.collectedAt), index("metric_samples_collected").on(t.collectedAt)],
);

/** Alerts fired by the rules in services/alerts.ts; at most one open (firing) alert per rule and workspace. */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    ruleId: text("rule_id").notNull(),
    /** firing | resolved */
    status: text("status").notNull(),
    severity: text("severity").notNull(),
    message: text("message").notNull(),
    value: doublePrecision("value").notNull(),
    threshold: doublePrecision("threshold").notNull(),
    /** The run whose completion evaluated the rule. */
    runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
    /** Rules are evaluated per workspace, over that workspace's runs only. */
    workspaceId: uuid("workspace_id")
      .notNull()
      .default(sql`genjed_default_workspace()`),
    firedAt: at("fired_at").notNull().defaultNow(),
    resolvedAt: at("resolved_at"),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("alerts_open_rule_workspace").on(t.ruleId, t.workspaceId).where(sql`status = 'firing'`), index("alerts_fired").on(t.firedAt)],
);
