/** The human review queue: list, read, decide. A decision resumes the run in the engine's transaction. */
import { Hono } from "hono";
import { z } from "zod";
import { decideReview } from "../../services/review-decisions.js";
import { getReview, listReviews, REVIEW_ID, ReviewError } from "../../services/reviews.js";
import { DECISIONS } from "../../nodes/review-human/payload.js";
import { writeAudit } from "../auth/audit.js";
import { authOf } from "../auth/middleware.js";
import { scopeOf } from "../auth/scope.js";
import { clientIp } from "../auth/request.js";
import type { ServerDeps } from "../deps.js";
import { ApiError, notFound } from "../errors.js";
import { intQuery, route } from "../route.js";

export const DecisionBodySchema = z.object({
  decision: z.enum(DECISIONS),
  itemIds: z.array(z.string().min(1)).max(1000).optional(),
  notes: z.string().max(5000).optional(),
  /** Shown with the decision; the signed-in user is always recorded as who decided. */
  reviewer: z.string().trim().min(1, "reviewer must not be empty").max(200).optional(),
});

/** Who decided: the signed-in account, and the name the client gave when it differs (a shared kiosk, a bot). */
export function reviewerLabel(user: { name: string; email: string }, given?: string): string {
  const me = user.name && user.name !== user.email ? `${user.name} <${user.email}>` : user.email;
  return given && given !== user.name && given !== user.email ? `${me} (as "${given}")` : me;
}

const ListReviewsQuery = z.object({
  status: z.enum(["pending", "decided", "all"], { error: (i) => `must be pending, decided or all; got ${JSON.stringify(i.input)}` }).default("pending"),
  runId: z.uuid().optional(),
  limit: intQuery({ min: 1, max: 10_000, default: 100 }),
});
const ReviewParams = z.object({ id: z.string().regex(REVIEW_ID, "review ids are numbers").meta({ notFound: "review" }) });

const asApiError = (err: unknown) => (err instanceof ReviewError ? new ApiError(err.status, err.code, err.message, err.details) : err);

export function reviewRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { sql } = deps.database;

  route(app, { method: "GET", path: "/", summary: "The review queue", query: ListReviewsQuery }, async (c, { query: { status, runId, limit } }) => {
    return c.json(await listReviews(sql, scopeOf(c), { status, runId, limit }));
  });

  route(app, { method: "GET", path: "/:id", summary: "One review with its items", params: ReviewParams }, async (c, { params: { id } }) => {
    const review = await getReview(sql, id, scopeOf(c));
    if (!review) throw notFound("review", id);
    return c.json(review);
  });

  route(app, { method: "POST", path: "/:id/decision", summary: "Decide a review: the run resumes", params: ReviewParams, body: DecisionBodySchema }, async (c, { params: { id }, body }) => {
    const auth = authOf(c);
    try {
      const result = await decideReview(sql, deps.registry, id, { ...body, reviewer: reviewerLabel(auth.user, body.reviewer) }, scopeOf(c));
      await writeAudit(sql, {
        workspaceId: auth.workspace.id,
        user: auth.user,
        action: "review.decide",
        target: id,
        details: { decision: body.decision, itemIds: body.itemIds ?? null, notes: body.notes ?? null },
        ip: clientIp(c, deps.auth ?? { trustProxy: false }),
      });
      return c.json(result);
    } catch (err) {
      throw asApiError(err);
    }
  });

  return app;
}

/** Anyone in the workspace sees the queue; deciding takes at least the reviewer role (server/auth/policy.ts). */
export const reviewFeature = (deps: ServerDeps) => ({
  prefix: "reviews",
  app: reviewRoutes(deps),
  access: [
    { method: "GET" as const, path: "/", access: "viewer" as const },
    { method: "GET" as const, path: "/:id", access: "viewer" as const },
    { method: "POST" as const, path: "/:id/decision", access: "reviewer" as const },
  ],
});
