/**
 * The OpenAPI 3.1 description of the HTTP API, generated from the route table (server/route.ts):
 * the same zod schemas the routes validate with, converted by zod's own `z.toJSONSchema` in
 * "input" mode (what a client sends, before transforms), so the document cannot drift from the
 * validation. Who may call each operation comes from the access policy (server/auth/policy.ts).
 * Responses name the error shape every route answers with; success bodies are not declared
 * (routes return views typed in TypeScript, not zod schemas).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Access } from "./auth/policy.js";
import { CSRF_HEADER, SESSION_COOKIE, WORKSPACE_HEADER } from "./auth/middleware.js";
import type { RouteEntry } from "./route.js";

type Json = Record<string, unknown>;

/** `{ error: { code, message, details? } }`: every 4xx and 5xx (server/errors.ts). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe("machine-readable, e.g. INVALID_BODY, NOT_FOUND, FORBIDDEN, BODY_TOO_LARGE"),
    message: z.string().describe("for people; names the field for bad input"),
    details: z.unknown().optional().describe("e.g. `issues: [{ path, message }]` for bad input, `limitBytes` for a body too large"),
  }),
});

export interface OpenApiOptions {
  /** Who may call a route (its Hono path, `:name` parameters); null: the policy does not cover it. */
  accessOf: (method: string, path: string) => Access | null;
  /** info.version; default the product's (package.json). */
  version?: string;
}

const PRODUCT_VERSION: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Hono `/api/graphs/:id` (or `:id{regex}`) -> OpenAPI `/api/graphs/{id}`. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)(\{[^}]*\})?/g, "{$1}");

const operationId = (method: string, path: string) =>
  method.toLowerCase() +
  openApiPath(path)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((s) => s[0].toUpperCase() + s.slice(1))
    .join("");

/**
 * A zod schema as a JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). Refinements (e.g.
 * "exactly one of graphId or document") cannot be converted; a schema states them itself with
 * `.meta({ oneOf: ... })`. Definitions zod writes under `$defs` (recursive schemas) are hoisted
 * into components, since a `#/$defs/...` reference would resolve against this document's root.
 */
function jsonSchema(schema: z.ZodType, name: string, components: Json): Json {
  const out = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    // `notFound` is route metadata (which 404 a malformed id answers), not a JSON Schema keyword.
    override: (ctx) => void delete (ctx.jsonSchema as Json).notFound,
  }) as Json;
  delete out.$schema;
  const defs = out.$defs as Record<string, Json> | undefined;
  if (!defs) return out;
  delete out.$defs;
  const rename = (key: string) => `${name}_${key.replace(/[^A-Za-z0-9_.-]/g, "_")}`;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!v || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, k === "$ref" && typeof x === "string" && x.startsWith("#/$defs/") ? `#/components/schemas/${rename(x.slice(8))}` : rewrite(x)]),
    );
  };
  for (const [key, def] of Object.entries(defs)) components[rename(key)] = rewrite(def);
  return rewrite(out) as Json;
}

/** The properties of an object schema as parameters (`in: query` or `in: path`). */
function parameters(schema: z.ZodType, where: "query" | "path", name: string, components: Json): Json[] {
  const s = jsonSchema(schema, name, components);
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([p, ps]) => {
    const { description, ...rest } = ps;
    return { name: p, in: where, required: where === "path" || required.has(p), ...(description ? { description } : {}), schema: rest };
  });
}

const ERROR_RESPONSES: Record<string, [string, string]> = {
  "400": ["BadRequest", "Bad input: malformed JSON, a wrong field (named in the message and `details.issues`), NUL or too deep nesting"],
  "401": ["Unauthorized", "Not signed in: no valid session cookie or API token"],
  "403": ["Forbidden", "Signed in but not allowed: the role this needs, no workspace, or a cookie-authenticated write without the CSRF header"],
  "404": ["NotFound", "No such thing in this workspace (a malformed id is not found too)"],
  "413": ["PayloadTooLarge", "The body is over this route's limit (`details.limitBytes`); refused before it is read"],
};

function operation(e: RouteEntry, opts: OpenApiOptions, components: { schemas: Json }): Json {
  const { spec } = e;
  const id = operationId(e.method, e.path);
  const access = opts.accessOf(e.method, e.path.replace(/:[A-Za-z_][A-Za-z0-9_]*(\{[^}]*\})?/g, "x"));
  const op: Json = { operationId: id, summary: spec.summary ?? `${e.method} ${e.path}` };
  const tag = /^\/(?:api\/)?([^/{:]+)/.exec(e.path)?.[1];
  if (tag) op.tags = [tag];
  if (access) op["x-genjed-access"] = access;

  const params: Json[] = [];
  if (spec.params) params.push(...parameters(spec.params, "path", `${id}Params`, components.schemas));
  if (spec.query) params.push(...parameters(spec.query, "query", `${id}Query`, components.schemas));
  // Role-checked routes outside /api/workspaces/:id act in the request's current workspace.
  const roleChecked = access !== null && access !== "public" && access !== "signed-in";
  if (roleChecked && !e.path.startsWith("/api/workspaces/:id")) params.push({ $ref: "#/components/parameters/Workspace" });
  if (params.length) op.parameters = params;

  if (spec.body) {
    const type = spec.bodyType ?? "application/json";
    // An empty JSON body reads as `{}`: the body is optional when `{}` is valid.
    const required = type !== "application/json" || !spec.body.safeParse({}).success;
    const content: Json = { schema: jsonSchema(spec.body, `${id}Body`, components.schemas) };
    op.requestBody = { required, content: { [type]: content } };
  }

  const responses: Json = { "2XX": { description: "Success" } };
  const errors: string[] = [];
  if (spec.body || spec.query || spec.params || spec.rawBody) errors.push("400");
  if (access !== "public") errors.push("401");
  if (roleChecked || (access !== "public" && STATE_CHANGING.has(e.method))) errors.push("403");
  if (spec.params) errors.push("404");
  if (STATE_CHANGING.has(e.method)) errors.push("413");
  for (const code of errors) responses[code] = { $ref: `#/components/responses/${ERROR_RESPONSES[code][0]}` };
  op.responses = responses;

  if (access === "public") op.security = [];
  else op.security = STATE_CHANGING.has(e.method) ? [{ session: [], csrf: [] }, { bearer: [] }] : [{ session: [] }, { bearer: [] }];
  return op;
}

/** The document for a composed app's route table. */
export function openApiDocument(table: RouteEntry[], opts: OpenApiOptions): Json {
  const components = {
    schemas: { Error: jsonSchema(ErrorBodySchema, "Error", {}) } as Json,
    responses: Object.fromEntries(
      Object.values(ERROR_RESPONSES).map(([name, description]) => [name, { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]),
    ),
    parameters: {
      Workspace: {
        name: WORKSPACE_HEADER,
        in: "header",
        required: false,
        description: "The workspace to act in (default: your first). EventSource and <img> requests use the `?workspace=` query instead.",
        schema: { type: "string", format: "uuid" },
      },
    },
    securitySchemes: {
      session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "The browser session (POST /api/auth/login sets it)." },
      csrf: {
        type: "apiKey",
        in: "header",
        name: CSRF_HEADER,
        description: "With the session cookie, state-changing requests also send this header (the csrfToken of GET /api/auth/me) and a same-origin Origin.",
      },
      bearer: { type: "http", scheme: "bearer", description: "A personal API token `gj_...` (POST /api/tokens); no CSRF header needed." },
    },
  };
  const paths: Record<string, Json> = {};
  for (const e of table) (paths[openApiPath(e.path)] ??= {})[e.method.toLowerCase()] = operation(e, opts, components);
  return {
    openapi: "3.1.0",
    info: {
      title: "Genjed Studio",
      version: opts.version ?? PRODUCT_VERSION,
      description:
        "JSON everywhere; bodies, queries and path parameters are validated against these schemas. Errors are `{ error: { code, message, details? } }`. `x-genjed-access` names who may call an operation: public, signed-in, or the weakest workspace role (viewer < reviewer < editor < owner).",
    },
    servers: [{ url: "/" }],
    paths,
    components,
  };
}
