import { z } from "zod";

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
