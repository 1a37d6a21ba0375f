import { z } from "zod";
import { NodeRunStatusSchema, RunStatusSchema } from "./run.js";

/** What is published on every state change (PostgreSQL NOTIFY -> SSE). Kept small: NOTIFY payloads cap at 8 kB. */
export const RunEventSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("node"),
    runId: z.string(),
    nodeId: z.string(),
    item: z.string(),
    status: NodeRunStatusSchema,
    progress: z.number(),
    attempts: z.number(),
    costUsd: z.number(),
    durationMs: z.number().nullable(),
    at: z.string(),
  }),
  z.object({
    kind: z.literal("run"),
    runId: z.string(),
    status: RunStatusSchema,
    costUsd: z.number(),
    at: z.string(),
  }),
  z.object({
    kind: z.literal("log"),
    runId: z.string(),
    nodeId: z.string(),
    item: z.string(),
    level: z.string(),
    message: z.string(),
    at: z.string(),
  }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
