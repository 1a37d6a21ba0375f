import { z } from "zod";
import { Text, unsafeValueIn } from "./text.js";

export const NodeIdSchema = Text().min(1).max(128);

export const RetryPolicySchema = z.object({
  /** Attempts per provider stage (1 = no retry). */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** First backoff; doubles each attempt. */
  backoffMs: z.number().int().min(0).max(600_000).default(1000),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

export const GraphNodeSchema = z.object({
  id: NodeIdSchema,
  type: Text().min(1),
  position: z.object({ x: z.number(), y: z.number() }),
  config: z.record(z.string(), z.unknown()).default({}),
  label: Text().optional(),
  retry: RetryPolicySchema.partial().optional(),
});
export type GraphNode = z.infer<typeof GraphNodeSchema>;

export const GraphEdgeSchema = z.object({
  id: Text().min(1),
  source: NodeIdSchema,
  sourcePort: Text().min(1),
  target: NodeIdSchema,
  targetPort: Text().min(1),
});
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

export const GraphSettingsSchema = z.object({
  budgetUsd: z.number().nonnegative().optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});

/** The graph document: what the editor edits, what a version snapshots, what a run executes. */
export const GraphDocumentSchema = z
  .object({
    version: z.literal(1),
    name: Text().min(1).max(200),
    nodes: z.array(GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
    settings: GraphSettingsSchema.optional(),
  })
  // Config values are free-form JSON: one walk refuses NUL, lone surrogates and overflowed numbers
  // anywhere in them (keys too), naming the path, so no stored document can break the database.
  .superRefine((doc, ctx) => {
    const bad = unsafeValueIn(doc);
    if (bad) ctx.addIssue({ code: "custom", path: bad.path, message: bad.message });
  });
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;
export type GraphDocumentInput = z.input<typeof GraphDocumentSchema>;
