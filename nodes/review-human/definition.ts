/**
 * review.human: pauses its branch until a person decides (node state `waiting`). The review queue
 * (GET /api/reviews) shows what this node suspends with: the media, their QA flags and product
 * data, the ask, the deadline and the ids a reviewer can select. The decision resumes the run
 * (engine/reviews.ts): approve passes everything on, select passes the chosen items, reject skips
 * the branch, revise sends notes upstream and comes back here.
 */
import { z } from "zod";
import type { Product } from "../../schemas/content.js";
import type { MediaRef } from "../../schemas/index.js";
import { QaReportSchema } from "../shared/qa-report.js";
import { DECISIONS, DEFAULT_ACTIONS, reviewOutputs, type ReviewCandidate, type ReviewPayload } from "./payload.js";
import { defineNode, PermanentNodeError } from "../contract.js";

export const ReviewHumanConfigSchema = z.object({
  title: z.string().default("").describe("Shown at the top of the review; default: the node's label or id"),
  instructions: z
    .string()
    .default("Check these before they are published: approve, reject with a reason, ask for a revision with notes, or keep only the ones you pick.")
    .describe("What the reviewer is asked to do"),
  allowSelect: z.boolean().default(true).describe("Let the reviewer keep a subset of the items"),
  minSelect: z.number().int().min(1).default(1).describe("Fewest items a subset may keep"),
  maxRevisions: z.number().int().min(0).max(20).default(3).describe("How many times this review may send work back with notes before revise is refused"),
  revisionTarget: z
    .string()
    .optional()
    .describe("Node id that receives revise notes; default: the nearest upstream node that takes revision notes"),
  deadlineHours: z.number().positive().max(24 * 90).optional().describe("Hours the reviewer has; then the default action applies"),
  defaultAction: z.enum(DEFAULT_ACTIONS).default("reject").describe("What happens when the deadline passes"),
  autoApproveQaPassed: z.boolean().default(true).describe("Skip the human when every item passed the QA gate"),
});
export type ReviewHumanConfig = z.output<typeof ReviewHumanConfigSchema>;

/** What the review shows of a QA report (from qa.gate's report port). */
const QaLooseSchema = QaReportSchema.pick({ score: true, route: true, flags: true });

export const reviewHuman = defineNode({
  type: "review.human",
  version: 1,
  title: "Human review",
  category: "Control",
  description: "Pauses the branch until a reviewer approves, rejects, asks for a revision or picks the items to keep.",
  inputs: [
    { name: "video", type: "video", list: true, required: false, description: "Videos to review" },
    { name: "image", type: "image", list: true, required: false, description: "Images to review" },
    { name: "qa", type: "json", list: true, required: false, schema: QaLooseSchema, description: "QA reports (from qa.gate), in the same order as the media" },
    { name: "product", type: "product", list: true, required: false, description: "Product data shown next to the media (one, or one per item)" },
  ],
  outputs: [
    { name: "videos", type: "video", list: true, description: "The approved videos" },
    { name: "images", type: "image", list: true, description: "The approved images" },
    { name: "decision", type: "review", description: "Who decided what, when and why" },
  ],
  config: ReviewHumanConfigSchema,
  // A decision is a person's, never a cached answer.
  cacheable: false,
  secrets: [],
  // Only records the request and suspends: the wait for a decision is not part of the attempt.
  timeoutMs: 60_000,
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(inputs, config, ctx) {
    const videos = inputs.video ?? [];
    const images = inputs.image ?? [];
    const qas = inputs.qa ?? [];
    const products = inputs.product ?? [];
    const candidates: ReviewCandidate[] = [];
    // Lists travel side by side: item i's QA report and product sit at i (or one stands for all);
    // a skipped upstream item is a null, which keeps the others in place.
    const add = (kind: "video" | "image", values: (MediaRef | null)[], offset: number) =>
      values.forEach((media, i) => {
        if (media === null) return;
        const qa = qas[offset + i] ?? (qas.length === 1 ? qas[0] : null);
        const product = products[offset + i] ?? (products.length === 1 ? products[0] : null);
        candidates.push({
          id: `${kind}-${i}`,
          label: `${kind === "video" ? "Video" : "Image"} ${i + 1}${aspectLabel(media.meta)}`,
          kind,
          media,
          ...(qa ? { qa: { score: qa.score, route: qa.route, flags: qa.flags } } : {}),
          ...(product ? { product: productSummary(product) } : {}),
        });
      });
    add("video", videos, 0);
    add("image", images, videos.length);
    if (candidates.length === 0) {
      throw new PermanentNodeError("nothing to review: connect the video or image input (every item upstream was skipped or the inputs are empty)", "NODE_INPUT_INVALID", {
        port: "video",
      });
    }

    if (config.autoApproveQaPassed && candidates.every((c) => c.qa?.route === "pass")) {
      ctx.log(`all ${candidates.length} item(s) passed QA: approved without a human`);
      return reviewOutputs(candidates, {
        decision: "approve",
        reviewer: "qa.gate",
        notes: "every item passed the QA gate",
        itemIds: candidates.map((c) => c.id),
        decidedAt: new Date().toISOString(),
        automatic: true,
      });
    }

    const allowedDecisions = DECISIONS.filter((d) => (d === "select" ? config.allowSelect && candidates.length > 1 : d === "revise" ? config.maxRevisions > 0 : true));
    const payload: ReviewPayload = {
      kind: "review",
      title: config.title || `Review ${candidates.length} item(s) from ${ctx.nodeId}${ctx.item ? ` (item ${ctx.item})` : ""}`,
      instructions: config.instructions,
      items: candidates,
      allowedDecisions: [...allowedDecisions],
      minSelect: config.minSelect,
      maxRevisions: config.maxRevisions,
      revisionTarget: config.revisionTarget ?? null,
      deadline: config.deadlineHours ? new Date(Date.now() + config.deadlineHours * 3_600_000).toISOString() : null,
      defaultAction: config.defaultAction,
    };
    const flagged = candidates.filter((c) => c.qa && c.qa.flags.length > 0).length;
    ctx.log(`waiting for a reviewer: ${candidates.length} item(s)${flagged ? `, ${flagged} with QA flags` : ""}${payload.deadline ? `, deadline ${payload.deadline}` : ""}`);
    return ctx.suspend(payload);
  },
});

function productSummary(p: Product): NonNullable<ReviewCandidate["product"]> {
  return { id: p.id, name: p.name, price: p.price, currency: p.currency, category: p.category, description: p.description, image: p.images[0]?.url };
}

function aspectLabel(meta: Record<string, unknown>): string {
  const a = meta.aspectRatio;
  if (typeof a === "string") return ` (${a})`;
  const w = meta.width;
  const h = meta.height;
  return typeof w === "number" && typeof h === "number" ? ` (${w}x${h})` : "";
}
