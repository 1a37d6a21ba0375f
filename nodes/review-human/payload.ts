/**
 * What review.human suspends with (stored by the engine on the waiting node-run) and the outputs
 * a decision produces. The review queue API reads the first and builds the second, so both shapes
 * live here, next to the node that owns its ports.
 */
import { z } from "zod";
import { MediaRefSchema, type MediaRef } from "../../schemas/index.js";

export const DECISIONS = ["approve", "reject", "revise", "select"] as const;
export type Decision = (typeof DECISIONS)[number];
export const DEFAULT_ACTIONS = ["approve", "reject"] as const;

export const ReviewCandidateSchema = z.object({
  /** Stable within the review: "video-0", "image-3" (what `select` names). */
  id: z.string(),
  label: z.string(),
  kind: z.enum(["video", "image"]),
  media: MediaRefSchema,
  qa: z
    .object({
      score: z.number(),
      route: z.string(),
      flags: z.array(z.object({ id: z.string(), severity: z.string(), message: z.string() })),
    })
    .optional(),
  product: z.object({ id: z.string(), name: z.string(), price: z.number().optional(), currency: z.string().optional() }).catchall(z.unknown()).optional(),
});
export type ReviewCandidate = z.infer<typeof ReviewCandidateSchema>;

export const ReviewPayloadSchema = z.object({
  kind: z.literal("review"),
  title: z.string(),
  instructions: z.string(),
  items: z.array(ReviewCandidateSchema).min(1),
  allowedDecisions: z.array(z.enum(DECISIONS)),
  minSelect: z.number().int(),
  maxRevisions: z.number().int(),
  /** Node id that receives revise notes; null: the nearest upstream node that takes them. */
  revisionTarget: z.string().nullable(),
  deadline: z.string().nullable(),
  defaultAction: z.enum(DEFAULT_ACTIONS),
});
export type ReviewPayload = z.infer<typeof ReviewPayloadSchema>;

/** The value on the `decision` output port (type review). */
export interface DecisionRecord {
  decision: Decision;
  reviewer: string;
  notes: string | null;
  itemIds: string[];
  decidedAt: string;
  automatic: boolean;
}

/** The node's outputs for the approved candidates, split by kind onto its two list ports. */
export function reviewOutputs(candidates: ReviewCandidate[], decision: DecisionRecord): { videos: MediaRef[]; images: MediaRef[]; decision: DecisionRecord } {
  return {
    videos: candidates.filter((c) => c.kind === "video").map((c) => c.media),
    images: candidates.filter((c) => c.kind === "image").map((c) => c.media),
    decision,
  };
}
