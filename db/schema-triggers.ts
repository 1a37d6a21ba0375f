/**
 * Triggers: saved graphs running on cron, one-off schedules, webhooks and polled conditions.
 * `trigger_fires` is the history and the exactly-once guard: one row per fire time, delivery or
 * change set, unique per trigger, so several schedulers can race and only one run starts.
 */
import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bytea, graphs, graphVersions, runs } from "./schema.js";

export const triggers = pgTable(
  "triggers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    graphId: uuid("graph_id")
      .notNull()
      .references(() => graphs.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** cron | schedule | webhook | condition */
    kind: text("kind").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** Pinned version; null = the graph's latest saved version at fire time. */
    versionId: uuid("version_id").references(() => graphVersions.id, { onDelete: "set null" }),
    /** Kind-specific settings (expression and zone, mappings, feed and conditions), validated on write. */
    config: jsonb("config").notNull(),
    /** skip | queue | allow */
    overlap: text("overlap").notNull().default("skip"),
    overrides: jsonb("overrides").notNull().default(sql`'{}'::jsonb`),
    channel: text("channel"),
    budgetUsd: doublePrecision("budget_usd"),
    /**
     * Legacy: webhook signing secrets were stored here as plain text. Each start seals any left into
     * the columns below and clears this (services/triggers/webhook-secret.ts); nothing writes it now.
     */
    plainSecret: text("secret"),
    /**
     * Webhook signing secret (HMAC-SHA256 needs the raw value, so it is encrypted, not hashed):
     * AES-256-GCM with the secrets key, the trigger id as additional authenticated data. Shown once
     * at creation or rotation, never read back by the API.
     */
    secretCiphertext: bytea("secret_ciphertext"),
    secretIv: bytea("secret_iv"),
    secretTag: bytea("secret_tag"),
    /** The secret's last four characters, shown as `whsec_…abcd` so people can tell secrets apart. */
    secretLast4: text("secret_last4"),
    /** Next fire time (cron, schedule) or next poll (condition). */
    nextFireAt: timestamp("next_fire_at", { withTimezone: true, mode: "string" }),
    lastFiredAt: timestamp("last_fired_at", { withTimezone: true, mode: "string" }),
    /** Last successful poll (condition); null until the first one, which only learns the feed. */
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true, mode: "string" }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("triggers_graph").on(t.graphId), index("triggers_due").on(t.nextFireAt).where(sql`enabled`)],
);

export const triggerFires = pgTable(
  "trigger_fires",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    triggerId: uuid("trigger_id")
      .notNull()
      .references(() => triggers.id, { onDelete: "cascade" }),
    /** cron/schedule: `at:<fire time>`; webhook: `sig:<signature>`; condition: `poll:<time>`. */
    dedupeKey: text("dedupe_key").notNull(),
    /** pending | queued | started | skipped | failed */
    status: text("status").notNull(),
    reason: text("reason"),
    scheduledFor: timestamp("scheduled_for", { withTimezone: true, mode: "string" }),
    firedAt: timestamp("fired_at", { withTimezone: true, mode: "string" }).notNull(),
    /** The per-run config overrides this fire carries (mapped webhook body, changed products). */
    overrides: jsonb("overrides").notNull().default(sql`'{}'::jsonb`),
    detail: jsonb("detail"),
    runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
    attempts: integer("attempts").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("trigger_fires_once").on(t.triggerId, t.dedupeKey),
    index("trigger_fires_history").on(t.triggerId, t.firedAt),
    index("trigger_fires_open").on(t.status).where(sql`status in ('pending', 'queued')`),
    index("trigger_fires_run").on(t.runId),
  ],
);

/** What a condition trigger last saw of each product, so each change fires once. */
export const triggerSnapshots = pgTable(
  "trigger_snapshots",
  {
    triggerId: uuid("trigger_id")
      .notNull()
      .references(() => triggers.id, { onDelete: "cascade" }),
    itemKey: text("item_key").notNull(),
    state: jsonb("state").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.triggerId, t.itemKey] })],
);
