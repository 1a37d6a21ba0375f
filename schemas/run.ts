import { z } from "zod";

export const NODE_RUN_STATUSES = [
  "pending",
  "queued",
  "running",
  "cached",
  "succeeded",
  "failed",
  "skipped",
  "waiting",
  "canceled",
] as const;
export const NodeRunStatusSchema = z.enum(NODE_RUN_STATUSES);
export type NodeRunStatus = z.infer<typeof NodeRunStatusSchema>;

/** States a node-run never leaves (except through an explicit retry). */
export const TERMINAL_NODE_STATUSES: readonly NodeRunStatus[] = ["cached", "succeeded", "failed", "skipped", "canceled"];
export const isTerminalNodeStatus = (s: NodeRunStatus) => TERMINAL_NODE_STATUSES.includes(s);

export const RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "canceled"] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export const isTerminalRunStatus = (s: RunStatus) => s === "succeeded" || s === "failed" || s === "canceled";

export const RunErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type RunError = z.infer<typeof RunErrorSchema>;

export const CostItemSchema = z.object({ usd: z.number(), detail: z.string() });
export type CostItem = z.infer<typeof CostItemSchema>;

/** One ended attempt of an item: its own start and end, so retries and crashes are visible. */
export const AttemptViewSchema = z.object({
  /** 1-based within its stage (the attempt count starts again on each fallback). */
  attempt: z.number().int(),
  /** Index into the node's fallback chain. */
  stage: z.number().int(),
  startedAt: z.string(),
  /** null: the worker running it died (the attempt was taken over). */
  endedAt: z.string().nullable(),
  outcome: z.string(),
});
export type AttemptView = z.infer<typeof AttemptViewSchema>;

export const NodeRunViewSchema = z.object({
  nodeId: z.string(),
  /** Fan-out item path ("" for an unmapped node, "0", "2.1" for nested fan-out). */
  item: z.string(),
  status: NodeRunStatusSchema,
  attempts: z.number().int(),
  progress: z.number(),
  costUsd: z.number(),
  costBreakdown: z.array(CostItemSchema),
  /** Time of the attempt that ended the item (earlier attempts, and dead time after a crash, are not counted). */
  durationMs: z.number().nullable(),
  /** Ended attempts, oldest first (the last one is the attempt that ended the item). */
  attemptLog: z.array(AttemptViewSchema).optional(),
  queuedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  provider: z.string().nullable(),
  output: z.unknown().nullable(),
  error: RunErrorSchema.nullable(),
});
export type NodeRunView = z.infer<typeof NodeRunViewSchema>;

export const RunViewSchema = z.object({
  id: z.string(),
  graphId: z.string().nullable(),
  versionId: z.string().nullable(),
  name: z.string(),
  status: RunStatusSchema,
  costUsd: z.number(),
  estimateUsd: z.number(),
  budgetUsd: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: RunErrorSchema.nullable(),
  nodes: z.array(NodeRunViewSchema),
});
export type RunView = z.infer<typeof RunViewSchema>;

export const LogEntrySchema = z.object({
  nodeId: z.string(),
  item: z.string(),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
  at: z.string(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;
