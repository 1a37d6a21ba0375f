/**
 * The inspector's as-you-type check, done by zod itself: the node type's config JSON Schema (which
 * the server writes with `z.toJSONSchema` from the same zod schema the compiler parses with) is
 * turned back into a zod schema, so the messages beside a field read exactly like the compiler's
 * INVALID_CONFIG issues that arrive a moment later, and the two collapse into one.
 */
import { z } from "zod";
import { configIssue, issueField, type CompileError, type ConfigIssue } from "../../../schemas/compile.js";
import type { JsonSchema } from "../graph/schema.js";

const parsers = new WeakMap<JsonSchema, z.ZodType | null>();

function parserFor(schema: JsonSchema): z.ZodType | null {
  if (!parsers.has(schema)) {
    let parser: z.ZodType | null = null;
    try {
      parser = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      // A schema zod cannot read back is left to the compiler, whose issues still show.
      parser = null;
    }
    parsers.set(schema, parser);
  }
  return parsers.get(schema)!;
}

/** zod's issues for a whole node config, with paths relative to the config. */
export function configIssues(schema: JsonSchema, value: Record<string, unknown>): ConfigIssue[] {
  const r = parserFor(schema)?.safeParse(value);
  return r && !r.success ? r.error.issues.map(configIssue) : [];
}

/** The compiler's INVALID_CONFIG issues of one node (already filtered to it by the caller). */
export const compilerIssues = (errors: CompileError[]): ConfigIssue[] =>
  errors.flatMap((e) => (e.code === "INVALID_CONFIG" && e.issue ? [e.issue] : []));

/** Messages by dotted path ("products.0.price"), each message once: own and compiler's agree in wording. */
export function messagesByPath(...lists: ConfigIssue[][]): (path: string) => string[] {
  const by = new Map<string, string[]>();
  for (const i of lists.flat()) {
    const key = issueField(i.path);
    const list = by.get(key) ?? [];
    if (!list.includes(i.message)) list.push(i.message);
    by.set(key, list);
  }
  return (path) => by.get(path) ?? [];
}
