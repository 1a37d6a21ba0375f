import type { z } from "zod";
import { MediaRefSchema, type MediaRef } from "../schemas/index.js";
import { formatIssues } from "./assets/rows.js";
import { PermanentNodeError } from "./types.js";

/** Validate a value arriving on an input port, with an error naming the port and field. */
export function parsePort<T extends z.ZodType>(schema: T, value: unknown, port: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new PermanentNodeError(`input ${formatIssues(r.error, [port]).join("; ")}`, "NODE_INPUT_INVALID", { port });
  return r.data;
}

/** A media input of the expected kind (an image port fed a video is a wiring mistake worth naming). */
export function parseMedia(value: unknown, port: string, kind: MediaRef["kind"]): MediaRef {
  const ref = parsePort(MediaRefSchema, value, port);
  if (ref.kind !== kind) throw new PermanentNodeError(`input ${port}: expected ${article(kind)} ${kind}, got ${article(ref.kind)} ${ref.kind} (${ref.mime})`, "NODE_INPUT_INVALID", { port });
  return ref;
}

const article = (word: string) => (/^[aeiou]/.test(word) ? "an" : "a");
