import { z } from "zod";

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
export type PortSpec = z.input<typeof PortSpecSchema>;

/** Stored media as it travels between nodes: content-addressed, with probe metadata. */
export const MediaRefSchema = z.object({
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  mime: z.string(),
  size: z.number().int().nonnegative(),
  url: z.string(),
  kind: z.enum(["image", "video", "audio", "file"]),
  meta: z
    .object({
      width: z.number().optional(),
      height: z.number().optional(),
      durationSec: z.number().optional(),
      fps: z.number().optional(),
      videoCodec: z.string().optional(),
      audioCodec: z.string().optional(),
      renderer: z.string().optional(),
    })
    .catchall(z.unknown())
    .default({}),
  thumbnail: z.string().optional(),
});
export type MediaRef = z.infer<typeof MediaRefSchema>;
