import { z } from "zod";

export const COMPILE_ERROR_CODES = [
  "INVALID_DOCUMENT",
  "UNKNOWN_NODE_TYPE",
  "INVALID_CONFIG",
  "CYCLE",
  "MISSING_INPUT",
  "PORT_TYPE_MISMATCH",
  "UNKNOWN_PORT",
  "UNKNOWN_NODE",
  "DUPLICATE_ID",
  "MULTIPLE_EDGES_INTO_SINGLE_PORT",
  "INCOMPATIBLE_FAN_IN",
] as const;

export const CompileErrorSchema = z.object({
  code: z.enum(COMPILE_ERROR_CODES),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  port: z.string().optional(),
  /** Config path, dotted ("products.0.price"). */
  field: z.string().optional(),
  /** For CYCLE: the nodes on the cycle. */
  nodes: z.array(z.string()).optional(),
});
export type CompileError = z.infer<typeof CompileErrorSchema>;

export const EstimateSchema = z.object({
  usd: z.number(),
  seconds: z.number(),
  perNode: z.record(z.string(), z.object({ usd: z.number(), seconds: z.number(), items: z.number() })),
});
export type Estimate = z.infer<typeof EstimateSchema>;

export const ValidateResultSchema = z.object({
  ok: z.boolean(),
  errors: z.array(CompileErrorSchema),
  estimate: EstimateSchema.nullable(),
});
