import { z } from "zod";

export const NodeIdSchema = z.string().min(1).max(128);

export const RetryPolicySchema = z.object({
  /** Attempts per provider stage (1 = no retry). */
  maxAttempts: z.number().int().min(1).max(20).default(3),
  /** First backoff; doubles each attempt. */
  backoffMs: z.number().int().min(0).max(600_000).default(1000),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

export const GraphNodeSchema = z.object({
  id: NodeIdSchema,
  type: z.string().min(1),
  position: z.object({ x: z.number(), y: z.number() }),
  config: z.record(z.string(), z.unknown()).default({}),
  label: z.string().optional(),
  retry: RetryPolicySchema.partial().optional(),
});
export type GraphNode = z.infer<typeof GraphNodeSchema>;

export const GraphEdgeSchema = z.object({
  id: z.string().min(1),
  source: NodeIdSchema,
  sourcePort: z.string().min(1),
  target: NodeIdSchema,
  targetPort: z.string().min(1),
});
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

export const GraphSettingsSchema = z.object({
  budgetUsd: z.number().nonnegative().optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
});

/** The graph document: what the editor edits, what a version snapshots, what a run executes. */
export const GraphDocumentSchema = z.object({
  version: z.literal(1),
  name: z.string().min(1).max(200),
  nodes: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  settings: GraphSettingsSchema.optional(),
});
export type GraphDocument = z.infer<typeof GraphDocumentSchema>;
export type GraphDocumentInput = z.input<typeof GraphDocumentSchema>;
