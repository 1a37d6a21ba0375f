import { z } from "zod";
import { BrandSchema, ProductSchema } from "./content.js";
import { MediaRefSchema, type MediaRef } from "./media.js";

export { MediaRefSchema, type MediaRef };

/** The closed set of port types. Connections are checked against it in the editor and the compiler. */
export const PORT_TYPES = [
  "text",
  "json",
  "product",
  "brand",
  "image",
  "video",
  "audio",
  "media",
  "review",
  "publication",
  "metrics",
] as const;
export const PortTypeSchema = z.enum(PORT_TYPES);
export type PortType = z.infer<typeof PortTypeSchema>;

/**
 * Whether a value of type `from` may flow into a port of type `to`.
 * `media` accepts any of image/video/audio; `json` accepts anything (it is the "any" of structured data).
 */
export function portAccepts(to: PortType, from: PortType): boolean {
  if (to === from) return true;
  if (to === "json") return true;
  if (to === "media") return from === "image" || from === "video" || from === "audio";
  return false;
}

export const PortSpecSchema = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
  type: PortTypeSchema,
  label: z.string().optional(),
  /** A list port takes (or yields) a whole list. A single-valued input fed a list maps the node over it. */
  list: z.boolean().default(false),
  /** Inputs only: an unconnected required input is a compile error. */
  required: z.boolean().default(true),
  description: z.string().optional(),
});
/**
 * A port as a node declares it. `schema` narrows the value a port takes beyond its type (a `json`
 * port that takes a scene); it stays in code, the catalogue and the wiring check see only `type`.
 */
export type PortSpec = z.input<typeof PortSpecSchema> & { schema?: z.ZodType };


const article = (word: string) => (/^[aeiou]/.test(word) ? "an" : "a");

/**
 * Stored media of one kind: an image port fed a video is a wiring mistake worth naming. The type
 * stays MediaRef (the kind is checked at run time), so a stored ref passes to run() in tests as is.
 */
const mediaOf = (...kinds: MediaRef["kind"][]) =>
  MediaRefSchema.superRefine((ref, ctx) => {
    if (!(kinds as string[]).includes(ref.kind)) {
      const want = kinds.length === 1 ? `${article(kinds[0])} ${kinds[0]}` : kinds.join(", ").replace(/, ([^,]*)$/, " or $1");
      ctx.addIssue({ code: "custom", message: `expected ${want}, got ${article(ref.kind)} ${ref.kind} (${ref.mime})`, input: ref });
    }
  });

/** The value on a `review` port: who decided what on a human review (review.human's decision). */
export const ReviewDecisionSchema = z.object({
  decision: z.enum(["approve", "reject", "revise", "select"]),
  reviewer: z.string(),
  notes: z.string().nullable(),
  itemIds: z.array(z.string()),
  decidedAt: z.string(),
  automatic: z.boolean(),
});
export type ReviewDecision = z.infer<typeof ReviewDecisionSchema>;

/** The value on a `publication` port: one publish attempt on one channel (publish.channel's output). */
export const PublicationValueSchema = z
  .object({
    id: z.string().min(1),
    channel: z.string(),
    status: z.string(),
  })
  .catchall(z.unknown());
export type PublicationValue = z.infer<typeof PublicationValueSchema>;

/** The value on a `metrics` port: the latest metrics per publication at one moment (analytics.collect). */
export const MetricsValueSchema = z
  .object({
    collectedAt: z.string(),
    publications: z.record(z.string(), z.unknown()),
  })
  .catchall(z.unknown());
export type MetricsValue = z.infer<typeof MetricsValueSchema>;

/**
 * What a value on each port type must be. The engine parses every input against its port's schema
 * (list ports: each element) before a node runs, so `run()` gets these types and never re-checks.
 * A port spec may narrow its type further with its own `schema` (a `json` port that takes a scene).
 */
export const PORT_VALUE_SCHEMAS = {
  text: z.string({ error: "expected text" }),
  json: z.unknown(),
  product: ProductSchema,
  brand: BrandSchema,
  image: mediaOf("image"),
  video: mediaOf("video"),
  audio: mediaOf("audio"),
  media: mediaOf("image", "video", "audio"),
  review: ReviewDecisionSchema,
  publication: PublicationValueSchema,
  metrics: MetricsValueSchema,
} as const satisfies Record<PortType, z.ZodType>;
export type PortValueSchemas = typeof PORT_VALUE_SCHEMAS;
/** The value type of a port type (what `run()` receives on such a port). */
export type PortValue<T extends PortType> = z.output<PortValueSchemas[T]>;
