/**
 * Text a user sends must be storable and well formed. PostgreSQL refuses U+0000 in text and jsonb
 * (the error was a 500), and a lone UTF-16 surrogate cannot be encoded as UTF-8 (it was silently
 * turned into U+FFFD). `Text` is the string schema every shared schema builds on; `unsafeValueIn`
 * checks a whole parsed JSON value (nested config values, object keys) in one pass, and the route
 * helper runs it on every body, query and path parameter.
 */
import { z } from "zod";

/** Deeper than any document we produce; a 10^5-deep array must be refused, not walked recursively. */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be accepted, or null. */
export function stringProblem(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain the NUL character (\\u0000)";
  if (LONE_SURROGATE.test(s)) return "must not contain a lone UTF-16 surrogate (invalid Unicode)";
  return null;
}

/** A string schema that refuses NUL and lone surrogates, naming the field it is used for. */
export const Text = () =>
  z.string().check((ctx) => {
    const problem = stringProblem(ctx.value);
    if (problem) ctx.issues.push({ code: "custom", message: problem, input: ctx.value });
  });

export interface ValueProblem {
  /** Where, as path segments from the value's root (empty: the value itself). */
  path: (string | number)[];
  message: string;
}

/**
 * The first thing in a parsed JSON value that cannot be stored: a string or key with NUL or a lone
 * surrogate, a number that overflowed (1e309 parses to Infinity), or nesting deeper than
 * MAX_JSON_DEPTH. Iterative, so no input can overflow the stack.
 */
export function unsafeValueIn(value: unknown, maxDepth = MAX_JSON_DEPTH): ValueProblem | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === "string") {
      const problem = stringProblem(v);
      if (problem) return { path, message: problem };
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return { path, message: "number is out of range" };
    } else if (v !== null && typeof v === "object") {
      if (path.length >= maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, i] });
      } else {
        for (const [k, child] of Object.entries(v)) {
          const problem = stringProblem(k);
          if (problem) return { path: [...path, k], message: `key ${problem}` };
          stack.push({ v: child, path: [...path, k] });
        }
      }
    }
  }
  return null;
}

/** A dot path for messages: `nodes.3.config.title`, or `(body)` for the root. */
export const dotPath = (path: (string | number)[], root = "(body)") => (path.length ? path.map(String).join(".") : root);
