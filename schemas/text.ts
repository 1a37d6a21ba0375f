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
  // Paths are linked lists, turned into arrays only for the one problem reported: a 10,000-node
  // document is walked without an array per value.
  type At = { parent: At | null; key: string | number } | null;
  const pathOf = (at: At): (string | number)[] => {
    const out: (string | number)[] = [];
    for (let a = at; a; a = a.parent) out.push(a.key);
    return out.reverse();
  };
  const stack: { v: unknown; at: At; depth: number }[] = [{ v: value, at: null, depth: 0 }];
  while (stack.length) {
    const { v, at, depth } = stack.pop()!;
    if (typeof v === "string") {
      const problem = stringProblem(v);
      if (problem) return { path: pathOf(at), message: problem };
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) return { path: pathOf(at), message: "number is out of range" };
    } else if (v !== null && typeof v === "object") {
      if (depth >= maxDepth) return { path: pathOf(at), message: `nested deeper than ${maxDepth} levels` };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], at: { parent: at, key: i }, depth: depth + 1 });
      } else {
        for (const k in v) {
          if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
          const problem = stringProblem(k);
          if (problem) return { path: pathOf({ parent: at, key: k }), message: `key ${problem}` };
          stack.push({ v: (v as Record<string, unknown>)[k], at: { parent: at, key: k }, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

const UNPRINTABLE = new RegExp(`\u0000|${LONE_SURROGATE.source}`, "g");
const escapeSegment = (seg: string | number) => String(seg).replace(UNPRINTABLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A dot path for messages: `nodes.3.config.title`, or `(body)` for the root. A bad key is shown escaped. */
export const dotPath = (path: (string | number)[], root = "(body)") => (path.length ? path.map(escapeSegment).join(".") : root);
