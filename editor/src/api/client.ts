/**
 * Typed client of the Genjed HTTP API. Every failure becomes an ApiError with a message a person
 * can act on (the server's `{ error: { code, message } }`, or "cannot reach the server").
 */
import type { CompileError, Estimate, GraphDocument, NodeTypeInfo, RunView } from "../../../schemas/index.js";
import { csrfToken, markSignedOut, refreshMe } from "../auth/session.js";
import type { GraphSummary, GraphVersion, LogLine, ReviewItem, RunSummary, Template, TemplateSummary } from "./types.js";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
  get isNetwork() {
    return this.code === "NETWORK";
  }
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, retried = false): Promise<T> {
  let res: Response;
  // FormData (uploads) goes as multipart: fetch writes its content-type with the boundary.
  const form = typeof FormData !== "undefined" && body instanceof FormData;
  const headers: Record<string, string> = body === undefined || form ? {} : { "content-type": "application/json" };
  // Cookie-authenticated writes prove they come from our page (server/auth/middleware.ts checkCsrf).
  const csrf = csrfToken();
  if (csrf && method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = csrf;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : form ? (body as FormData) : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError("Cannot reach the Genjed server. Check that it is running (npm start), then retry.", 0, "NETWORK");
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401) markSignedOut();
    // A session renewed elsewhere has a new CSRF token: fetch it and try once more.
    if (res.status === 403 && e?.code === "CSRF" && !retried && (await refreshMe())) return request<T>(method, path, body, signal, true);
    const fallback = res.status >= 500 ? `The server failed (${res.status}). Try again; if it persists, check the server log.` : `Request failed (${res.status} ${res.statusText}).`;
    throw new ApiError(e?.message ?? fallback, res.status, e?.code ?? `HTTP_${res.status}`, e?.details);
  }
  return json as T;
}

/** Lists come back bare or wrapped (`{ graphs: [...] }`); accept both so the UI does not care. */
function list<T>(json: unknown, key: string): T[] {
  if (Array.isArray(json)) return json as T[];
  const v = (json as Record<string, unknown> | null)?.[key];
  return Array.isArray(v) ? (v as T[]) : [];
}

const enc = encodeURIComponent;

export interface ValidateResult {
  ok: boolean;
  errors: CompileError[];
  estimate: Estimate | null;
}

export const api = {
  health: () => request<{ ok?: boolean; status?: string }>("GET", "/api/health"),
  nodeTypes: async () => list<NodeTypeInfo>(await request("GET", "/api/node-types"), "nodeTypes"),
  templates: async () => list<TemplateSummary>(await request("GET", "/api/templates"), "templates"),
  getTemplate: (id: string) => request<Template>("GET", `/api/templates/${enc(id)}`),

  listGraphs: async () => list<GraphSummary>(await request("GET", "/api/graphs"), "graphs"),
  getGraph: (id: string) => request<{ id: string; name: string; document: GraphDocument; updatedAt?: string }>("GET", `/api/graphs/${enc(id)}`),
  createGraph: (body: { name?: string; document?: GraphDocument }) => request<{ id: string; name: string }>("POST", "/api/graphs", body),
  updateGraph: (id: string, body: { name?: string; document?: GraphDocument }) => request<unknown>("PUT", `/api/graphs/${enc(id)}`, body),
  deleteGraph: (id: string) => request<unknown>("DELETE", `/api/graphs/${enc(id)}`),

  listVersions: async (graphId: string) => list<GraphVersion>(await request("GET", `/api/graphs/${enc(graphId)}/versions`), "versions"),
  getVersion: (graphId: string, versionId: string) => request<GraphVersion>("GET", `/api/graphs/${enc(graphId)}/versions/${enc(versionId)}`),
  createVersion: (graphId: string, label?: string) => request<GraphVersion>("POST", `/api/graphs/${enc(graphId)}/versions`, { label }),

  validate: (document: GraphDocument, signal?: AbortSignal) => request<ValidateResult>("POST", "/api/validate", document, signal),

  startRun: (body: { graphId?: string; document?: GraphDocument; budgetUsd?: number }) => request<{ runId: string }>("POST", "/api/runs", body),
  listRuns: async (graphId?: string, limit = 100) =>
    list<RunSummary>(await request("GET", `/api/runs?limit=${limit}${graphId ? `&graphId=${enc(graphId)}` : ""}`), "runs"),
  getRun: (id: string) => request<RunView>("GET", `/api/runs/${enc(id)}`),
  cancelRun: (id: string) => request<unknown>("POST", `/api/runs/${enc(id)}/cancel`),
  retryNode: (runId: string, nodeId: string) => request<unknown>("POST", `/api/runs/${enc(runId)}/nodes/${enc(nodeId)}/retry`),
  runLogs: async (runId: string, nodeId?: string) =>
    list<LogLine>(await request("GET", `/api/runs/${enc(runId)}/logs${nodeId ? `?nodeId=${enc(nodeId)}` : ""}`), "logs"),

  listReviews: async (status = "pending") => list<ReviewItem>(await request("GET", `/api/reviews?status=${enc(status)}`), "reviews"),
  decideReview: (id: string, body: { decision: "approve" | "reject" | "revise" | "select"; itemIds?: string[]; notes?: string; reviewer: string }) =>
    request<unknown>("POST", `/api/reviews/${enc(id)}/decision`, body),
};

export const runEventsUrl = (runId: string) => `/api/runs/${enc(runId)}/events`;

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
