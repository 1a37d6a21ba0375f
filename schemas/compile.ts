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

/**
 * One zod issue as the compiler saw it: the editor shows `message` beside the field at `path`
 * (the same zod wording its own as-you-type check produces), no re-parsing of `message` text.
 */
export const ConfigIssueSchema = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type ConfigIssue = z.infer<typeof ConfigIssueSchema>;

/** The part of a zod issue that crosses the wire (symbol keys, which JSON cannot carry, become text). */
export const configIssue = (i: { code: string; path: readonly PropertyKey[]; message: string }): ConfigIssue => ({
  code: i.code,
  path: i.path.map((p) => (typeof p === "number" ? p : String(p))),
  message: i.message,
});

/** A config path as the API names it: dotted ("products.0.price"). */
export const issueField = (path: readonly PropertyKey[]): string => path.map(String).join(".");

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
  /** For INVALID_CONFIG: the raw zod issue (its path is relative to the node's config). */
  issue: ConfigIssueSchema.optional(),
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
