/** One place where errors become `{ error: { code, message, details? } }` responses. Never a stack trace. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { RunInputError } from "../engine/runs.js";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, "NOT_FOUND", `${what} "${id}" does not exist`);

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
  return c.json({ error: details === undefined ? { code, message } : { code, message, details } }, status);
}

export function handleError(err: Error, c: Context) {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.details);
  if (err instanceof RunInputError) return errorResponse(c, 400, "INVALID_GRAPH", err.message, { errors: err.errors });
  if (err instanceof z.ZodError) return errorResponse(c, 400, "INVALID_BODY", describeZod(err), { issues: zodIssues(err) });
  if (err instanceof HTTPException) return errorResponse(c, err.status as ContentfulStatusCode, "HTTP_ERROR", err.message || "request failed");
  console.error(`[api] ${c.req.method} ${c.req.path} failed:`, err);
  return errorResponse(c, 500, "INTERNAL", "internal error; see the server log");
}

export const zodIssues = (err: z.ZodError) => err.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
export const describeZod = (err: z.ZodError) =>
  zodIssues(err)
    .slice(0, 5)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join("; ");

/**
 * Parse a JSON body against a schema: malformed JSON and wrong shapes both answer 400 naming the field.
 * Routes declare their schemas with `route()` (server/route.ts), which also refuses NUL and deep nesting;
 * this and uuidParam remain for code outside a route table.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  const text = await c.req.text();
  try {
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "INVALID_JSON", `request body is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(400, "INVALID_BODY", describeZod(parsed.error), { issues: zodIssues(parsed.error) });
  return parsed.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Path ids are UUIDs: anything else is simply not found (and never reaches SQL as a bad cast). */
export function uuidParam(c: Context, name: string, what: string): string {
  const v = c.req.param(name) ?? "";
  if (!UUID.test(v)) throw notFound(what, v);
  return v.toLowerCase();
}
