/**
 * Uploads API (/api/uploads): what a workspace uploaded, and how a file field names one
 * (`upload:<sha256 hex>`, accepted by every file field once the hash is recorded for the workspace).
 */
import { z } from "zod";
import { MediaRefSchema } from "./media.js";

export const UPLOAD_REF_PREFIX = "upload:";
const HASH = /^[a-f0-9]{64}$/;

export const uploadRef = (hash: string) => `${UPLOAD_REF_PREFIX}${hash}`;
/** The hash an `upload:<hash>` value names, or null for anything else (a path, a URL). */
export function parseUploadRef(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith(UPLOAD_REF_PREFIX)) return null;
  const hash = value.slice(UPLOAD_REF_PREFIX.length);
  return HASH.test(hash) ? hash : null;
}

export const UploadKindSchema = MediaRefSchema.shape.kind;

/** Not strict: `?workspace=` (which workspace the request acts in) may ride along. */
export const UploadListQuerySchema = z.object({
  kind: UploadKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** A malformed hash names no upload: 404, like an unknown one (the route helper reads `notFound`). */
export const UploadHashParamSchema = z.object({ hash: z.string().regex(HASH, "a sha256 hex digest (64 lowercase hex characters)").meta({ notFound: "upload" }) });

export const UploadViewSchema = z.object({
  /** What a file field's config value holds to use this file. */
  ref: z.string(),
  name: z.string(),
  media: MediaRefSchema,
  uploadedAt: z.string(),
  uploadedBy: z.string().nullable(),
});
export type UploadView = z.infer<typeof UploadViewSchema>;

export interface UploadList {
  uploads: UploadView[];
  /** Offset of the next page, or null on the last one. */
  next: number | null;
}
