import { z } from "zod";
import { GraphDocumentSchema } from "./graph.js";
import { Text } from "./text.js";

export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const CreateGraphBodySchema = z.object({
  name: Text().min(1).max(200).optional(),
  document: GraphDocumentSchema.optional(),
});
export const UpdateGraphBodySchema = z.object({
  name: Text().min(1).max(200).optional(),
  document: GraphDocumentSchema.optional(),
});
export const CreateVersionBodySchema = z.object({ label: Text().max(200).optional() });

/** Overrides of a node's config for one run (the "inputs form" of a manual run). */
export const RunOverridesSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

export const StartRunBodySchema = z
  .object({
    graphId: z.string().uuid().optional(),
    versionId: z.string().uuid().optional(),
    document: GraphDocumentSchema.optional(),
    budgetUsd: z.number().nonnegative().optional(),
    overrides: RunOverridesSchema.optional(),
  })
  .refine((b) => (b.graphId ? 1 : 0) + (b.document ? 1 : 0) === 1, {
    message: "give exactly one of graphId or document",
    path: ["graphId"],
  })
  // The refinement in JSON Schema terms, for the OpenAPI document (a refine cannot be converted).
  .meta({ oneOf: [{ required: ["graphId"] }, { required: ["document"] }] });
export type StartRunBody = z.infer<typeof StartRunBodySchema>;

export const GraphSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  nodeCount: z.number(),
});
export type GraphSummary = z.infer<typeof GraphSummarySchema>;
