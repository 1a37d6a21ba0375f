/**
 * Triggers (cron, one-off schedules, webhooks, polled conditions), their fire history, the content
 * calendar and the content-plan helper: API bodies and the views the server answers with.
 * Shapes only: what needs a library (cron syntax, time zone names) is checked by services/triggers.
 */
import { z } from "zod";
import { RunOverridesSchema } from "./api.js";

export const TRIGGER_KINDS = ["cron", "schedule", "webhook", "condition"] as const;
export const TriggerKindSchema = z.enum(TRIGGER_KINDS);
export type TriggerKind = z.infer<typeof TriggerKindSchema>;

/** What a fire does while the trigger's previous run is still going (running or waiting for review). */
export const OverlapPolicySchema = z.enum(["skip", "queue", "allow"]);
export type OverlapPolicy = z.infer<typeof OverlapPolicySchema>;

/** What happens to fire times that passed while nothing was running: drop them, or run once for them. */
export const MissedPolicySchema = z.enum(["skip", "catchup"]);
export type MissedPolicy = z.infer<typeof MissedPolicySchema>;

/** Named presets the editor offers; each is stored as its 5-field expression. */
export const CRON_PRESETS = {
  hourly: "0 * * * *",
  daily: "0 9 * * *",
  weekdays: "0 9 * * 1-5",
  weekly: "0 9 * * 1",
  monthly: "0 9 1 * *",
} as const;

export const CronConfigSchema = z.object({
  expression: z.string().trim().min(1, "required: a cron expression like 0 9 * * 1-5").describe("Five fields: minute hour day-of-month month day-of-week"),
  timezone: z.string().trim().min(1).default("UTC").describe("IANA time zone the expression is read in, e.g. Europe/Copenhagen"),
  missedPolicy: MissedPolicySchema.default("skip"),
});
export type CronConfig = z.output<typeof CronConfigSchema>;

/** One-off fire times (what the content plan creates). */
export const ScheduleConfigSchema = z.object({
  times: z.array(z.iso.datetime({ offset: true, error: "expected an ISO date-time like 2025-10-26T09:00:00+01:00" })).min(1, "required: at least one time").max(1000),
  timezone: z.string().trim().min(1).default("UTC").describe("Time zone the times are shown in"),
  missedPolicy: MissedPolicySchema.default("skip"),
});
export type ScheduleConfig = z.output<typeof ScheduleConfigSchema>;

/** A value taken from a payload (dot path; "" = the whole payload) into a node's config field. */
export const InputMappingSchema = z.object({
  from: z.string().default("products").describe('Dot path in the JSON body, e.g. "products" or "order.items"; empty for the whole body'),
  nodeId: z.string().min(1),
  field: z.string().min(1).default("products"),
  required: z.boolean().default(true),
});
export type InputMapping = z.output<typeof InputMappingSchema>;

export const WebhookConfigSchema = z.object({
  mappings: z.array(InputMappingSchema).default([]).describe("Body values into node config fields; defaults to products -> the asset source"),
  toleranceSeconds: z.number().int().min(30).max(3600).default(300).describe("How old a signed timestamp may be"),
});
export type WebhookConfig = z.output<typeof WebhookConfigSchema>;

/** Where a condition trigger's changed items go. */
export const InputTargetSchema = z.object({ nodeId: z.string().min(1), field: z.string().min(1).default("products") });
export type InputTarget = z.output<typeof InputTargetSchema>;

export const ConditionConfigSchema = z.object({
  // A retired `allowHosts` list in an old trigger's config is dropped by this (non-strict) object;
  // the poller logs that it is ignored (private hosts are allowed with GENJED_OUTBOUND_ALLOW).
  feed: z
    .string()
    .trim()
    .min(1, "required: a JSON/CSV URL or file of products")
    .describe("JSON or CSV product feed: an http(s) URL, an upload (upload:<sha256>) or a path inside examples/"),
  intervalSeconds: z.number().int().min(10).max(7 * 86400).default(300),
  keyField: z.string().min(1).default("id"),
  priceField: z.string().min(1).default("price"),
  stockField: z.string().min(1).default("stock"),
  onNew: z.boolean().default(true).describe("Run for products that were not in the feed before"),
  onPriceChange: z.boolean().default(true),
  stockBelow: z.number().nullable().default(null).describe("Run when a product's stock falls below this"),
  stockAbove: z.number().nullable().default(null).describe("Run when a product's stock rises above this (back in stock: 0)"),
  /** The first poll only learns the feed, so adding a trigger to a 500-product feed does not start 500 runs. */
  firstPoll: z.enum(["baseline", "fire"]).default("baseline"),
  target: InputTargetSchema.optional().describe("Node and field that receive the changed products; defaults to the asset source"),
});
export type ConditionConfig = z.output<typeof ConditionConfigSchema>;

const baseFields = {
  name: z.string().trim().min(1).max(200).optional(),
  enabled: z.boolean().default(true),
  versionId: z.string().uuid().nullable().default(null).describe("Pinned version; null runs the latest saved version"),
  overlap: OverlapPolicySchema.default("skip"),
  overrides: RunOverridesSchema.default({}).describe("Config overrides applied to every run this trigger starts"),
  channel: z.string().trim().min(1).max(100).nullable().default(null).describe("Channel shown in the calendar (instagram, tiktok...)"),
  budgetUsd: z.number().nonnegative().nullable().default(null),
};

export const CreateTriggerBodySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cron"), config: CronConfigSchema, ...baseFields }),
  z.object({ kind: z.literal("schedule"), config: ScheduleConfigSchema, ...baseFields }),
  z.object({ kind: z.literal("webhook"), config: WebhookConfigSchema.default(WebhookConfigSchema.parse({})), ...baseFields }),
  z.object({ kind: z.literal("condition"), config: ConditionConfigSchema, ...baseFields }),
]);
export type CreateTriggerBody = z.output<typeof CreateTriggerBodySchema>;

/** Kind is fixed at creation; config is replaced whole and validated against the trigger's kind. */
export const UpdateTriggerBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean(),
    versionId: z.string().uuid().nullable(),
    overlap: OverlapPolicySchema,
    overrides: RunOverridesSchema,
    channel: z.string().trim().min(1).max(100).nullable(),
    budgetUsd: z.number().nonnegative().nullable(),
    config: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export type UpdateTriggerBody = z.output<typeof UpdateTriggerBodySchema>;

export interface FireTimeView {
  at: string;
  /** The time on the trigger's own clock, e.g. "Sun 26 Oct 2025, 09:00 CET". */
  local: string;
}

export interface TriggerView {
  id: string;
  graphId: string;
  name: string;
  kind: TriggerKind;
  enabled: boolean;
  versionId: string | null;
  overlap: OverlapPolicy;
  overrides: Record<string, Record<string, unknown>>;
  channel: string | null;
  budgetUsd: number | null;
  config: Record<string, unknown>;
  /** Next fire (cron, schedule) or poll (condition); null for webhooks and paused triggers. */
  nextFireAt: string | null;
  lastFiredAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /** cron/schedule: the schedule in words and its next fire times. */
  schedule?: { description: string; next: FireTimeView[] };
  /** webhook: where to POST, and the end of the secret to recognise it by. */
  webhook?: { path: string; secretHint: string };
  /** The signing secret: present only in the answer that created or rotated it. */
  secret?: string;
}

export const FIRE_STATUSES = ["pending", "queued", "started", "skipped", "failed"] as const;
export type FireStatus = (typeof FIRE_STATUSES)[number];

export interface FireView {
  id: string;
  triggerId: string;
  status: FireStatus;
  /** Why it was skipped, queued or failed, or a note (catch-up). */
  reason: string | null;
  runId: string | null;
  runStatus: string | null;
  /** The fire time it stands for (cron, schedule), else when it arrived. */
  scheduledFor: string | null;
  firedAt: string;
  /** What changed or what was received, summarised (item keys and reasons). */
  detail: unknown;
}

export const CronPreviewQuerySchema = z.object({
  expression: z.string().trim().min(1, "required: a cron expression"),
  timezone: z.string().trim().min(1).default("UTC"),
  count: z.coerce.number().int().min(1).max(50).default(5),
});

export interface CronPreview {
  expression: string;
  description: string;
  next: FireTimeView[];
}

/** One thing on the calendar: a coming fire, a past fire (with its run), or a publication. */
export interface CalendarItem {
  kind: "scheduled" | "fired" | "published";
  at: string;
  /** HH:mm on the calendar's clock. */
  time: string;
  title: string;
  channel: string | null;
  graphId: string | null;
  triggerId: string | null;
  runId: string | null;
  status: string | null;
  /** Click-through for a published post. */
  url: string | null;
}

export interface CalendarDay {
  /** YYYY-MM-DD on the calendar's clock. */
  date: string;
  items: CalendarItem[];
}

export interface CalendarView {
  timezone: string;
  from: string;
  to: string;
  days: CalendarDay[];
}

export const CalendarQuerySchema = z.object({
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date like 2025-10-24").optional(),
  days: z.coerce.number().int().min(1).max(62).default(7),
  timezone: z.string().trim().min(1).default("UTC"),
  graphId: z.string().uuid().optional(),
  channel: z.string().min(1).optional(),
});

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const ContentPlanBodySchema = z.object({
  graphId: z.string().uuid(),
  channels: z.array(z.string().trim().min(1).max(100)).min(1, "required: at least one channel").max(20),
  postsPerDay: z.number().int().min(1).max(24),
  /** One per post; when empty, posts are spread evenly between 09:00 and 21:00. */
  slots: z.array(z.string().regex(HHMM, "expected a time like 09:30")).max(24).default([]),
  timezone: z.string().trim().min(1).default("UTC"),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date like 2025-10-24").optional(),
  days: z.number().int().min(1).max(31).default(7),
  overlap: OverlapPolicySchema.default("allow"),
  missedPolicy: MissedPolicySchema.default("skip"),
  /** Preview only: answer the slots without creating anything. */
  dryRun: z.boolean().default(false),
});
export type ContentPlanBody = z.output<typeof ContentPlanBodySchema>;

export interface ContentPlanView {
  timezone: string;
  slots: string[];
  entries: { channel: string; at: string; date: string; time: string }[];
  /** Created triggers (one schedule trigger per channel); empty on a dry run. */
  triggers: TriggerView[];
}
