/**
 * The content-plan helper: a graph, channels, posts per day and time slots become N days of
 * scheduled runs at once (one `schedule` trigger per channel, so each channel's posts can be
 * paused or removed on their own). When the graph has nodes with a `channel` setting (QA gate,
 * publishers), each channel's runs set it, and a channel those nodes do not know is refused up front.
 */
import { z } from "zod";
import { graphs } from "../../db/schema.js";
import type { NodeRegistry } from "../../nodes/registry.js";
import type { GraphDocument } from "../../schemas/index.js";
import type { ContentPlanBody, ContentPlanView } from "../../schemas/triggers.js";
import type { TriggerEnv } from "./env.js";
import type { Overrides } from "./inputs.js";
import { createTrigger, graphInScope, TriggerConfigError } from "./store.js";
import type { Scope } from "../../lib/scope.js";
import { addDays, isValidZone, localDate, localToInstant } from "./zones.js";

/** The day's post times: the given slots (one per post), or posts spread evenly from 09:00 to 21:00. */
export function planSlots(postsPerDay: number, slots: string[]): string[] {
  if (slots.length) {
    if (slots.length !== postsPerDay) {
      throw new TriggerConfigError("slots", `give one time slot per post: ${postsPerDay} post(s) a day but ${slots.length} slot(s)`);
    }
    const sorted = [...slots].sort();
    const dup = sorted.find((s, i) => sorted[i + 1] === s);
    if (dup) throw new TriggerConfigError("slots", `time slot ${dup} is given twice`);
    return sorted;
  }
  const first = 9 * 60;
  const span = 12 * 60;
  return Array.from({ length: postsPerDay }, (_, i) => {
    const m = postsPerDay === 1 ? first : Math.round(first + (span * i) / (postsPerDay - 1));
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  });
}

/** Every (channel, day, slot) from `start`, as instants in the plan's zone; times already past are left out. */
export function planEntries(body: ContentPlanBody, now: Date): ContentPlanView["entries"] {
  if (!isValidZone(body.timezone)) throw new TriggerConfigError("timezone", `unknown time zone "${body.timezone}" (use an IANA name like Europe/Copenhagen)`);
  const slots = planSlots(body.postsPerDay, body.slots);
  const start = body.start ?? localDate(now, body.timezone);
  const entries: ContentPlanView["entries"] = [];
  for (let d = 0; d < body.days; d++) {
    const date = addDays(start, d);
    for (const time of slots) {
      const at = localToInstant(date, time, body.timezone);
      if (at <= now) continue;
      for (const channel of body.channels) entries.push({ channel, at: at.toISOString(), date, time });
    }
  }
  return entries;
}

/** Nodes whose config has a `channel` setting, with the values it accepts (null: any text). */
export function channelFields(document: GraphDocument, registry: NodeRegistry): { nodeId: string; schema: z.ZodType; options: string[] | null }[] {
  return document.nodes.flatMap((n) => {
    const config = registry.get(n.type)?.config;
    const field = config instanceof z.ZodObject ? (config.shape as Record<string, z.ZodType>).channel : undefined;
    if (!field) return [];
    return [{ nodeId: n.id, schema: field, options: enumOptions(field) }];
  });
}

function enumOptions(t: z.ZodType): string[] | null {
  let cur: unknown = t;
  // Unwrap default/optional wrappers down to the enum, if there is one.
  for (let i = 0; i < 5 && cur; i++) {
    if (cur instanceof z.ZodEnum) return (cur.options as unknown[]).map(String);
    const inner = (cur as { def?: { innerType?: unknown } }).def?.innerType;
    if (!inner) break;
    cur = inner;
  }
  return null;
}

function channelOverrides(document: GraphDocument, registry: NodeRegistry, channels: string[]): Map<string, Overrides> {
  const fields = channelFields(document, registry);
  const out = new Map<string, Overrides>();
  channels.forEach((channel, i) => {
    const o: Overrides = {};
    for (const f of fields) {
      if (!f.schema.safeParse(channel).success) {
        throw new TriggerConfigError(`channels.${i}`, `node "${f.nodeId}" does not know channel "${channel}"${f.options ? `; use one of ${f.options.join(", ")}` : ""}`);
      }
      o[f.nodeId] = { channel };
    }
    out.set(channel, o);
  });
  return out;
}

/** Preview (dryRun) or create the plan. null when the graph does not exist. */
export async function createContentPlan(
  env: TriggerEnv,
  body: ContentPlanBody,
  scope: Scope,
): Promise<(ContentPlanView & { channelOptions: string[] | null }) | null> {
  const [g] = await env.database.db.select({ document: graphs.document }).from(graphs).where(graphInScope(body.graphId, scope));
  if (!g) return null;
  const document = g.document as GraphDocument;
  const now = env.now();
  const entries = planEntries(body, now);
  const overrides = channelOverrides(document, env.registry, body.channels);
  const options = channelFields(document, env.registry).map((f) => f.options);
  const channelOptions = options.length && options.every(Boolean) ? options.reduce((a, b) => a!.filter((x) => b!.includes(x)))! : null;
  const base = { timezone: body.timezone, slots: planSlots(body.postsPerDay, body.slots), entries, channelOptions };
  if (body.dryRun) return { ...base, triggers: [] };
  if (!entries.length) throw new TriggerConfigError("start", "every time in the plan is already past: pick a later start date");
  const first = entries[0].date;
  const last = entries[entries.length - 1].date;
  const triggers = [];
  for (const channel of body.channels) {
    const times = entries.filter((e) => e.channel === channel).map((e) => e.at);
    const t = await createTrigger(env, body.graphId, {
      kind: "schedule",
      name: `Content plan · ${channel} · ${first} to ${last}`,
      enabled: true,
      versionId: null,
      overlap: body.overlap,
      overrides: overrides.get(channel) ?? {},
      channel,
      budgetUsd: null,
      config: { times, timezone: body.timezone, missedPolicy: body.missedPolicy },
    }, scope);
    triggers.push(t!);
  }
  return { ...base, triggers };
}
