/**
 * Saved triggers: create, read, update (pause/resume), delete, rotate a webhook secret, and the
 * views the API answers with. Config is validated per kind on every write, with errors naming the
 * config field; a webhook's secret is handed out once and never read back.
 */
import { checkReference, PathNotAllowedError } from "../../lib/files/index.js";
import { checkUrl, OutboundRefusedError } from "../../lib/net/index.js";
import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { z } from "zod";
import { graphs } from "../../db/schema.js";
import { triggerFires, triggers } from "../../db/schema-triggers.js";
import { runs } from "../../db/schema.js";
import type { GraphDocument } from "../../schemas/index.js";
import {
  ConditionConfigSchema,
  CronConfigSchema,
  ScheduleConfigSchema,
  WebhookConfigSchema,
  type CreateTriggerBody,
  type FireView,
  type TriggerKind,
  type TriggerView,
  type UpdateTriggerBody,
} from "../../schemas/triggers.js";
import { getVersion } from "../graphs.js";
import { ScheduleError, validateCron } from "./cron.js";
import type { TriggerEnv, TriggerRow } from "./env.js";
import { defaultMappings, defaultTarget } from "./inputs.js";
import { describeSchedule, fireTimesAfter, isTimeKind, nextFireAfter, type TimeSchedule } from "./schedule.js";
import { newWebhookSecret, sealWebhookSecret, webhookSecretHint } from "./webhook-secret.js";
import { describeInstant, isValidZone } from "./zones.js";
import { iso, ms } from "../../lib/time.js";
import { scopeWorkspace, type Scope } from "../../lib/scope.js";

/** Bad trigger settings; `field` is the path in the request body ("config.expression"). */
export class TriggerConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const SCHEMAS: Record<TriggerKind, z.ZodType> = {
  cron: CronConfigSchema,
  schedule: ScheduleConfigSchema,
  webhook: WebhookConfigSchema,
  condition: ConditionConfigSchema,
};

/** Parse and check a kind's config against the graph it belongs to; fills defaults (mappings, target). */
export function validateConfig(kind: TriggerKind, raw: unknown, document: Pick<GraphDocument, "nodes">): Record<string, unknown> {
  const parsed = SCHEMAS[kind].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TriggerConfigError(["config", ...issue.path.map(String)].join("."), issue.message);
  }
  const config = parsed.data as Record<string, unknown>;
  const hasNode = (id: string) => document.nodes.some((n) => n.id === id);
  try {
    if (kind === "cron") config.expression = validateCron(String(config.expression), String(config.timezone));
  } catch (err) {
    if (err instanceof ScheduleError) throw new TriggerConfigError(`config.${err.field}`, err.message);
    throw err;
  }
  if ((kind === "schedule" || kind === "cron") && !isValidZone(String(config.timezone))) {
    throw new TriggerConfigError("config.timezone", `unknown time zone "${config.timezone}" (use an IANA name like Europe/Copenhagen)`);
  }
  if (kind === "webhook") {
    const w = config as z.output<typeof WebhookConfigSchema>;
    if (w.mappings.length === 0) w.mappings = defaultMappings(document);
    w.mappings.forEach((m, i) => {
      if (!hasNode(m.nodeId)) throw new TriggerConfigError(`config.mappings.${i}.nodeId`, `the graph has no node "${m.nodeId}"`);
    });
  }
  if (kind === "condition") {
    const c = config as z.output<typeof ConditionConfigSchema>;
    c.target ??= defaultTarget(document) ?? undefined;
    if (!c.target) throw new TriggerConfigError("config.target", "the graph has no asset source: name the node and field that receive the changed products");
    if (!hasNode(c.target.nodeId)) throw new TriggerConfigError("config.target.nodeId", `the graph has no node "${c.target.nodeId}"`);
    if (c.stockBelow === null && c.stockAbove === null && !c.onNew && !c.onPriceChange) {
      throw new TriggerConfigError("config", "nothing to watch: enable onNew or onPriceChange, or set stockBelow/stockAbove");
    }
    // What can be told without reading: the feed is an upload, a path inside examples/, or a
    // public http(s) URL. Ownership of the upload, symlinks and DNS are checked at each poll.
    try {
      if (/^https?:\/\//i.test(c.feed)) checkUrl(c.feed, "config.feed");
      else checkReference(c.feed, "config.feed");
    } catch (err) {
      if (err instanceof PathNotAllowedError) throw new TriggerConfigError("config.feed", err.reason);
      if (err instanceof OutboundRefusedError) throw new TriggerConfigError("config.feed", err.message.slice("config.feed: ".length));
      throw err;
    }
  }
  return config;
}

export const timeScheduleOf = (row: Pick<TriggerRow, "kind" | "config">): TimeSchedule | null =>
  isTimeKind(row.kind) ? ({ kind: row.kind, config: row.config } as TimeSchedule) : null;

/** Where the trigger's clock starts when created or resumed: fire times already past are not "missed". */
function firstFireAt(kind: string, config: Record<string, unknown>, now: Date): Date | null {
  if (kind === "condition") return now;
  const s = timeScheduleOf({ kind, config });
  return s ? nextFireAfter(s, now) : null;
}

/** A trigger or graph of another workspace than the scope's is not found. */
export const graphInScope = (graphId: string, scope: Scope) => {
  const ws = scopeWorkspace(scope);
  return ws ? and(eq(graphs.id, graphId), eq(graphs.workspaceId, ws)) : eq(graphs.id, graphId);
};

async function graphDocument(env: TriggerEnv, graphId: string, scope: Scope): Promise<GraphDocument | null> {
  const [g] = await env.database.db.select({ document: graphs.document }).from(graphs).where(graphInScope(graphId, scope));
  return g ? (g.document as GraphDocument) : null;
}

async function checkVersion(env: TriggerEnv, graphId: string, versionId: string | null | undefined, scope: Scope): Promise<void> {
  if (versionId && !(await getVersion(env.database, graphId, versionId, scope))) {
    throw new TriggerConfigError("versionId", `graph has no version "${versionId}"`);
  }
}

/**
 * null when the graph does not exist. The answer carries the webhook secret: the only time it is
 * shown; the row holds it sealed with the secrets key (WebhookSecretsUnavailableError without one).
 */
export async function createTrigger(env: TriggerEnv, graphId: string, body: CreateTriggerBody, scope: Scope): Promise<TriggerView | null> {
  const document = await graphDocument(env, graphId, scope);
  if (!document) return null;
  await checkVersion(env, graphId, body.versionId, scope);
  const config = validateConfig(body.kind, body.config, document);
  const now = env.now();
  // The id is chosen here because the sealed secret is bound to it.
  const id = randomUUID();
  const secret = body.kind === "webhook" ? newWebhookSecret() : null;
  const [row] = await env.database.db
    .insert(triggers)
    .values({
      id,
      graphId,
      name: body.name ?? defaultName(body.kind, config),
      kind: body.kind,
      enabled: body.enabled,
      versionId: body.versionId,
      config,
      overlap: body.overlap,
      overrides: body.overrides,
      channel: body.channel,
      budgetUsd: body.budgetUsd,
      ...(secret ? sealWebhookSecret(env.secretKey, id, secret) : {}),
      nextFireAt: body.enabled ? iso(firstFireAt(body.kind, config, now)) : null,
      createdAt: iso(now),
      updatedAt: iso(now),
    })
    .returning();
  return { ...triggerView(row, now), ...(secret ? { secret } : {}) };
}

function defaultName(kind: TriggerKind, config: Record<string, unknown>): string {
  switch (kind) {
    case "cron":
      return `Cron: ${describeSchedule({ kind, config } as TimeSchedule)}`;
    case "schedule":
      return `Schedule: ${describeSchedule({ kind, config } as TimeSchedule)}`;
    case "webhook":
      return "Webhook";
    case "condition":
      return `Feed: ${String(config.feed).split("/").pop()}`;
  }
}

export async function getTrigger(env: TriggerEnv, id: string, scope: Scope): Promise<TriggerRow | null> {
  const ws = scopeWorkspace(scope);
  const [row] = ws
    ? await env.database.db
        .select({ t: triggers })
        .from(triggers)
        .innerJoin(graphs, eq(graphs.id, triggers.graphId))
        .where(and(eq(triggers.id, id), eq(graphs.workspaceId, ws)))
        .then((rows) => rows.map((r) => r.t))
    : await env.database.db.select().from(triggers).where(eq(triggers.id, id));
  return row ?? null;
}

/** Triggers (of one graph with `graphId`) whose graph is in the scope's workspace. */
export async function listTriggers(env: TriggerEnv, scope: Scope, o: { graphId?: string } = {}): Promise<TriggerRow[]> {
  const ws = scopeWorkspace(scope);
  const db = env.database.db;
  return db
    .select()
    .from(triggers)
    .where(and(o.graphId ? eq(triggers.graphId, o.graphId) : undefined, ws ? inArray(triggers.graphId, db.select({ id: graphs.id }).from(graphs).where(eq(graphs.workspaceId, ws))) : undefined))
    .orderBy(triggers.createdAt);
}

/** Apply a patch. Resuming, or changing the schedule, restarts the clock from now. */
export async function updateTrigger(env: TriggerEnv, id: string, patch: UpdateTriggerBody, scope: Scope): Promise<TriggerView | null> {
  const current = await getTrigger(env, id, scope);
  if (!current) return null;
  const now = env.now();
  let config = current.config as Record<string, unknown>;
  if (patch.config) {
    const document = (await graphDocument(env, current.graphId, scope)) ?? { nodes: [] };
    config = validateConfig(current.kind as TriggerKind, patch.config, document);
  }
  if (patch.versionId !== undefined) await checkVersion(env, current.graphId, patch.versionId, scope);
  const enabled = patch.enabled ?? current.enabled;
  const restart = Boolean(patch.config) || (enabled && !current.enabled);
  const nextFireAt = !enabled ? null : restart ? iso(firstFireAt(current.kind, config, now)) : current.nextFireAt;
  const [row] = await env.database.db
    .update(triggers)
    .set({
      name: patch.name ?? current.name,
      enabled,
      versionId: patch.versionId === undefined ? current.versionId : patch.versionId,
      overlap: patch.overlap ?? current.overlap,
      overrides: patch.overrides ?? current.overrides,
      channel: patch.channel === undefined ? current.channel : patch.channel,
      budgetUsd: patch.budgetUsd === undefined ? current.budgetUsd : patch.budgetUsd,
      config,
      nextFireAt,
      ...(patch.config && current.kind === "condition" ? { lastCheckedAt: null, lastError: null } : {}),
      updatedAt: iso(now),
    })
    .where(eq(triggers.id, id))
    .returning();
  return row ? triggerView(row, now) : null;
}

/** The trigger `id`, if its graph is in the scope's workspace. */
function triggerInScope(env: TriggerEnv, id: string, scope: Scope) {
  const ws = scopeWorkspace(scope);
  const db = env.database.db;
  return ws ? and(eq(triggers.id, id), inArray(triggers.graphId, db.select({ id: graphs.id }).from(graphs).where(eq(graphs.workspaceId, ws)))) : eq(triggers.id, id);
}

export async function deleteTrigger(env: TriggerEnv, id: string, scope: Scope): Promise<boolean> {
  const r = await env.database.db.delete(triggers).where(triggerInScope(env, id, scope)).returning({ id: triggers.id });
  return r.length > 0;
}

/** A new webhook secret (the old one stops working at once), returned this once. */
export async function rotateSecret(env: TriggerEnv, id: string, scope: Scope): Promise<TriggerView | null> {
  const secret = newWebhookSecret();
  const [row] = await env.database.db
    .update(triggers)
    .set({ ...sealWebhookSecret(env.secretKey, id, secret), updatedAt: iso(env.now()) })
    .where(and(triggerInScope(env, id, scope), eq(triggers.kind, "webhook")))
    .returning();
  return row ? { ...triggerView(row, env.now()), secret } : null;
}

/** The API view: never the secret; the schedule in words with its next fire times. */
export function triggerView(row: TriggerRow, now: Date, o: { nextCount?: number } = {}): TriggerView {
  const config = row.config as Record<string, unknown>;
  const view: TriggerView = {
    id: row.id,
    graphId: row.graphId,
    name: row.name,
    kind: row.kind as TriggerKind,
    enabled: row.enabled,
    versionId: row.versionId,
    overlap: row.overlap as TriggerView["overlap"],
    overrides: row.overrides as TriggerView["overrides"],
    channel: row.channel,
    budgetUsd: row.budgetUsd,
    config,
    nextFireAt: iso(row.nextFireAt),
    lastFiredAt: iso(row.lastFiredAt),
    lastError: row.lastError,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
  const s = timeScheduleOf(row);
  if (s) {
    const zone = s.config.timezone;
    const from = row.enabled && row.nextFireAt ? new Date(Math.max(ms(row.nextFireAt) - 1, now.getTime() - 1)) : now;
    const next = row.enabled ? fireTimesAfter(s, from, { count: o.nextCount ?? 5 }) : [];
    view.schedule = { description: describeSchedule(s), next: next.map((at) => ({ at: at.toISOString(), local: describeInstant(at, zone) })) };
  }
  if (row.kind === "webhook") view.webhook = { path: `/hooks/${row.id}`, secretHint: webhookSecretHint(row.secretLast4) };
  return view;
}

/** A trigger's fires, newest first; none for a trigger whose graph is not in the scope's workspace. */
export async function listFires(env: TriggerEnv, triggerId: string, scope: Scope, o: { limit?: number; before?: Date } = {}): Promise<FireView[]> {
  const ws = scopeWorkspace(scope);
  const db = env.database.db;
  const inWorkspace = ws
    ? inArray(triggerFires.triggerId, db.select({ id: triggers.id }).from(triggers).innerJoin(graphs, eq(graphs.id, triggers.graphId)).where(eq(graphs.workspaceId, ws)))
    : undefined;
  const rows = await env.database.db
    .select({ fire: triggerFires, runStatus: runs.status })
    .from(triggerFires)
    .leftJoin(runs, eq(runs.id, triggerFires.runId))
    .where(and(eq(triggerFires.triggerId, triggerId), inWorkspace, o.before ? lt(triggerFires.firedAt, iso(o.before)) : undefined))
    .orderBy(desc(triggerFires.firedAt), desc(triggerFires.createdAt))
    .limit(Math.min(o.limit ?? 50, 500));
  return rows.map(({ fire: f, runStatus }) => ({
    id: f.id,
    triggerId: f.triggerId,
    status: f.status as FireView["status"],
    reason: f.reason,
    runId: f.runId,
    runStatus: runStatus ?? null,
    scheduledFor: iso(f.scheduledFor),
    firedAt: iso(f.firedAt),
    detail: f.detail,
  }));
}
