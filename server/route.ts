/**
 * Every route declares, in one place, what it accepts: method, path, and zod schemas of its JSON
 * body, query string and path parameters, plus its body limit. `route(app, spec, handler)`
 * validates all three before the handler runs and answers 400 naming the field (404 for a path
 * id that cannot exist); the handler gets the parsed values. The spec rides on the registered
 * handler, so `routeTable(app)` lists every route of the composed app with its schemas: the
 * hostile-input test walks it, the coverage test fails on a route registered without one, and
 * the OpenAPI document can be generated from it.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { parseJsonText } from "../lib/files/index.js";
import { dotPath, unsafeValueIn } from "../schemas/text.js";
import { ApiError, describeZod, errorResponse, notFound, zodIssues } from "./errors.js";

/** JSON bodies: sign-in, settings, decisions, triggers. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/**
 * Routes that carry a whole graph document. The largest template is 6 KB and the 10,000-node
 * benchmark graph 1.7 MB as JSON (3 MB pretty-printed); 16 MB leaves room for big configs while
 * bounding what one request can make the server hold.
 */
export const DOCUMENT_BODY_LIMIT = 16 * 1024 * 1024;

export type RouteMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The Hono path of a route whose body another module limits itself (and why), outside this table. */
export interface OwnLimit {
  method: RouteMethod;
  path: string;
  why: string;
}

/**
 * Exempt from the JSON body limit: `POST /api/uploads` is multipart, streamed to disk by its
 * route with its own size cap (server/routes/uploads.ts), so buffering it here would defeat that.
 */
export const OWN_BODY_LIMITS: OwnLimit[] = [{ method: "POST", path: "/api/uploads", why: "multipart, streamed to disk with its own cap" }];

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface RouteSpec<B extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, P extends Schema | undefined = Schema | undefined> {
  method: RouteMethod;
  /** Relative to the app the route is registered on (Hono syntax, `:id` parameters). */
  path: string;
  summary?: string;
  /** The JSON body. Absent: the route takes no body. */
  body?: B;
  query?: Q;
  params?: P;
  /** Bytes; default JSON_BODY_LIMIT. "own": the route enforces its own limit (a streamed upload). */
  bodyLimit?: number | "own";
  /** The handler reads the exact bytes itself (a webhook's signature covers them); `body` only documents them. */
  rawBody?: boolean;
  /** How `body` is sent (OpenAPI document); default application/json. A multipart body is always `rawBody`. */
  bodyType?: "application/json" | "multipart/form-data";
}

export interface RouteInput<B, Q, P> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
}

export type RouteHandler<B, Q, P> = (c: Context, input: RouteInput<B, Q, P>) => Response | Promise<Response>;

const SPEC = Symbol("genjed.routeSpec");
type Marked = { [SPEC]?: RouteSpec };

export function route<B extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, P extends Schema | undefined = undefined>(
  app: Hono,
  spec: RouteSpec<B, Q, P>,
  handler: RouteHandler<B, Q, P>,
): void {
  const h = async (c: Context) => handler(c, (await parseInput(c, spec as RouteSpec)) as RouteInput<B, Q, P>);
  (h as Marked)[SPEC] = spec as RouteSpec;
  app.on(spec.method, spec.path, h);
}

// Written case-insensitively without the `i` flag, so its JSON Schema `pattern` (OpenAPI) says the same.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A path id: a UUID (lower-cased). Anything else names nothing, so it answers 404 "<what> ... does not exist". */
export const idParam = (what: string) =>
  z
    .string()
    .regex(UUID, `${what} ids are UUIDs`)
    .transform((s) => s.toLowerCase())
    .meta({ notFound: what });

/** Query numbers arrive as text: an integer in range, or the default when absent. */
export const intQuery = (o: { min: number; max: number; default: number }) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(o.min).max(o.max))
    .optional()
    .transform((n) => n ?? o.default);

/** Parse body, query and params against the spec. Throws ApiError (400, or 404 for a malformed id). */
export async function parseInput(c: Context, spec: RouteSpec): Promise<{ body: unknown; query: unknown; params: unknown }> {
  const params = spec.params ? parseParams(c, spec.params) : undefined;
  const query = spec.query ? parsePart(spec.query, c.req.query(), "INVALID_QUERY", "query") : undefined;
  let body: unknown;
  if (spec.body && !spec.rawBody) body = parsePart(spec.body, await readJsonValue(c), "INVALID_BODY", "(body)");
  return { body, query, params };
}

async function readJsonValue(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return parseJsonText(text);
  } catch (e) {
    // Where, not what: the error never echoes the body back.
    throw new ApiError(400, "INVALID_JSON", `request body is ${(e as Error).message}`);
  }
}

function parsePart(schema: Schema, value: unknown, code: string, root: string): unknown {
  // Before the schema: refuses what no schema should have to think about (NUL, lone surrogates,
  // overflowed numbers, 10^5-deep nesting) anywhere, free-form config values included.
  const bad = unsafeValueIn(value);
  if (bad) {
    const field = dotPath(bad.path, root);
    throw new ApiError(400, code, `${field}: ${bad.message}`, { field, issues: [{ path: field, message: bad.message }] });
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError(400, code, describeZod(r.error), { issues: zodIssues(r.error) });
  return r.data;
}

function parseParams(c: Context, schema: Schema): unknown {
  const value = c.req.param() as Record<string, string>;
  const r = schema.safeParse(value);
  const bad = unsafeValueIn(value);
  if (r.success && !bad) return r.data;
  const name = bad ? String(bad.path[0] ?? "") : String(r.success ? "" : (r.error.issues[0]?.path[0] ?? ""));
  const shape = (schema as unknown as { shape?: Record<string, Schema> }).shape;
  const what = (shape?.[name]?.meta() as { notFound?: string } | undefined)?.notFound;
  if (what) throw notFound(what, (value[name] ?? "").slice(0, 100));
  const message = bad ? bad.message : describeZod((r as { error: z.ZodError }).error);
  throw new ApiError(400, "INVALID_PARAM", `${name}: ${message}`, { field: name });
}

export interface RouteEntry {
  method: RouteMethod;
  /** The full path in the composed app, e.g. `/api/graphs/:id`. */
  path: string;
  spec: RouteSpec;
}

/** Hono wraps a sub-app's handler when the sub-app has its own error handler; the original is kept here. */
const COMPOSED_HANDLER = "__COMPOSED_HANDLER";

/** The spec a registered handler was declared with (null: registered without `route`). */
export function specOf(handler: unknown): RouteSpec | null {
  let h = handler as (Marked & Record<string, unknown>) | undefined;
  while (h && !h[SPEC] && h[COMPOSED_HANDLER]) h = h[COMPOSED_HANDLER] as typeof h;
  return h?.[SPEC] ?? null;
}

/** Every route of the composed app declared with `route`, with its full path. */
export function routeTable(app: Hono): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (const r of app.routes) {
    const spec = specOf(r.handler);
    if (spec) out.push({ method: spec.method, path: r.path, spec });
  }
  return out;
}

const pathRegex = (path: string) =>
  new RegExp(
    `^${path
      .replace(/\/+$/, "")
      .split("/")
      .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg === "*" ? ".*" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/")}/?$`,
  );

/**
 * The body limit of every request, before auth and before any parsing: the route's own limit from
 * the table (JSON_BODY_LIMIT when it names none, or the path matches no route). A Content-Length
 * over the limit is refused at once, unread; a streamed body is counted and refused as soon as it
 * passes the limit (hono/body-limit). `table` is read on first use, once every feature is mounted.
 */
export function bodyLimits(table: () => RouteEntry[]): MiddlewareHandler {
  let compiled: { method: string; re: RegExp; limit: number | "own" }[] | null = null;
  const limiters = new Map<number, MiddlewareHandler>();
  const limiterFor = (maxSize: number) => {
    let l = limiters.get(maxSize);
    if (!l) {
      const mb = Math.round((maxSize / 1024 / 1024) * 10) / 10;
      l = bodyLimit({
        maxSize,
        onError: (c) => {
          // The rest of the body is not wanted: close the connection instead of reading it.
          c.header("Connection", "close");
          return errorResponse(c, 413, "BODY_TOO_LARGE", `the request body is larger than ${mb} MB, the limit for ${c.req.method} ${c.req.path}`, { limitBytes: maxSize });
        },
      });
      limiters.set(maxSize, l);
    }
    return l;
  };
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "OPTIONS") return next();
    compiled ??= [
      ...OWN_BODY_LIMITS.map((o) => ({ method: o.method, re: pathRegex(o.path), limit: "own" as const })),
      ...table().map((e) => ({ method: e.method, re: pathRegex(e.path), limit: e.spec.bodyLimit ?? JSON_BODY_LIMIT })),
    ];
    const limit = compiled.find((x) => x.method === c.req.method && x.re.test(c.req.path))?.limit ?? JSON_BODY_LIMIT;
    if (limit === "own") return next();
    return limiterFor(limit)(c, next);
  };
}
