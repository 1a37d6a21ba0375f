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
