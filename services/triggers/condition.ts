/**
 * Condition triggers: poll a product feed, compare each product with what was seen last time, and
 * run the graph for what changed (new products, stock crossing a threshold, price changes) with the
 * changed products as its input. The snapshot is updated in the same transaction that records the
 * fire, so each change fires once however many schedulers poll.
 */
import type { ConditionConfig } from "../../schemas/triggers.js";
import { toJsonb } from "../../db/index.js";
import type { GraphDocument } from "../../schemas/index.js";
import { ALLOW_ENV } from "../../lib/net/index.js";
import { filesForWorkspace } from "../../engine/files.js";
import { lockTrigger, type TriggerEnv, type TriggerRow } from "./env.js";
import { iso } from "../../lib/time.js";
import { loadFeed, type FeedRow } from "./feed.js";
import { insertFire } from "./fires.js";
import { targetOverrides } from "./inputs.js";

export interface ItemState {
  price: number | null;
  stock: number | null;
}

export interface FeedChange {
  key: string;
  item: FeedRow;
  reasons: string[];
}

const num = (v: unknown): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

/** The product's key: its key field, else its name (asset.source derives ids from names too). */
function keyOf(row: FeedRow, keyField: string): string | null {
  const k = row[keyField] ?? row.name;
  return typeof k === "string" || typeof k === "number" ? String(k).trim() || null : null;
}

/** Pure comparison of a feed with the last snapshot. `first`: no snapshot yet. */
export function diffFeed(
  rows: FeedRow[],
  previous: Map<string, ItemState>,
  config: ConditionConfig,
  first: boolean,
): { changes: FeedChange[]; states: Map<string, ItemState>; problems: string[] } {
  const changes: FeedChange[] = [];
  const states = new Map<string, ItemState>();
  const problems: string[] = [];
  rows.forEach((row, i) => {
    const key = keyOf(row, config.keyField);
    if (!key) return void problems.push(`products[${i}]: no "${config.keyField}" or "name" to tell it apart`);
    if (states.has(key)) return void problems.push(`products[${i}]: "${key}" appears twice; the first is used`);
    const cur: ItemState = { price: num(row[config.priceField]), stock: num(row[config.stockField]) };
    states.set(key, cur);
    const prev = previous.get(key);
    const reasons: string[] = [];
    if (!prev) {
      if (first ? config.firstPoll === "fire" : config.onNew) reasons.push(first ? "in the feed at the first poll" : "new product");
    } else {
      if (config.onPriceChange && cur.price !== null && prev.price !== null && cur.price !== prev.price) reasons.push(`price changed ${prev.price} → ${cur.price}`);
      if (cur.stock !== null && prev.stock !== null) {
        const below = config.stockBelow;
        const above = config.stockAbove;
        if (below !== null && prev.stock >= below && cur.stock < below) reasons.push(`stock fell below ${below} (${prev.stock} → ${cur.stock})`);
        if (above !== null && prev.stock <= above && cur.stock > above) reasons.push(`stock rose above ${above} (${prev.stock} → ${cur.stock})`);
      }
    }
    if (reasons.length) changes.push({ key, item: row, reasons });
  });
  return { changes, states, problems };
}

export interface PollResult {
  fireId: string | null;
  changes: FeedChange[];
  error: string | null;
}

/** One poll of one trigger. Feed errors are kept on the trigger (last_error), not turned into fires. */
export async function pollCondition(env: TriggerEnv, trigger: TriggerRow): Promise<PollResult> {
  const config = trigger.config as ConditionConfig;
  const { sql } = env.database;
  if ((trigger.config as { allowHosts?: unknown }).allowHosts !== undefined) {
    env.log?.(`condition trigger ${trigger.id}: allowHosts is ignored; private or loopback feed hosts are allowed with ${ALLOW_ENV} on the server`);
  }
  let rows: FeedRow[];
  try {
    // The feed is read as the trigger's graph's workspace: its uploads, or files in examples/.
    const [g] = await sql<{ workspaceId: string | null }[]>`select workspace_id as "workspaceId" from graphs where id = ${trigger.graphId}`;
    const files = filesForWorkspace(sql, env.media ?? noMedia, g?.workspaceId ?? null);
    rows = await loadFeed(config.feed, { files });
  } catch (err) {
    const error = (err as Error).message;
    await sql`update triggers set last_error = ${error} where id = ${trigger.id}`;
    return { fireId: null, changes: [], error };
  }
  const now = env.now();
  return sql.begin(async (tx) => {
    const t = await lockTrigger(tx, trigger.id);
    if (!t || !t.enabled) return { fireId: null, changes: [], error: null };
    const first = t.lastCheckedAt === null;
    const prevRows = await tx<{ itemKey: string; state: ItemState }[]>`
      select item_key as "itemKey", state from trigger_snapshots where trigger_id = ${t.id}`;
    const previous = new Map(prevRows.map((r) => [r.itemKey, r.state]));
    const { changes, states, problems } = diffFeed(rows, previous, config, first);

    const changed = [...states].filter(([k, s]) => {
      const p = previous.get(k);
      return !p || p.price !== s.price || p.stock !== s.stock;
    });
    if (changed.length) {
      await tx`
        insert into trigger_snapshots (trigger_id, item_key, state, updated_at)
        select ${t.id}, s.key, s.state, ${iso(now)}::timestamptz from jsonb_to_recordset(${toJsonb(changed.map(([key, state]) => ({ key, state })))}::jsonb) as s(key text, state jsonb)
        on conflict (trigger_id, item_key) do update set state = excluded.state, updated_at = excluded.updated_at`;
    }
    const problem = problems.length ? `${problems.length} feed row(s) skipped: ${problems.slice(0, 3).join("; ")}` : null;
    await tx`update triggers set last_checked_at = ${iso(now)}::timestamptz, last_error = ${problem} where id = ${t.id}`;
    if (!changes.length) return { fireId: null, changes, error: null };

    const [g] = await tx<{ document: GraphDocument }[]>`select document from graphs where id = ${t.graphId}`;
    const target = config.target!;
    const fireId = await insertFire(tx, {
      triggerId: t.id,
      dedupeKey: `poll:${now.toISOString()}`,
      status: "pending",
      firedAt: now,
      reason: summarize(changes),
      overrides: targetOverrides(g?.document ?? { nodes: [] }, target, changes.map((c) => c.item)),
      detail: { changes: changes.map((c) => ({ key: c.key, reasons: c.reasons })) },
    });
    return { fireId, changes, error: null };
  });
}

/** Without a media store (a TriggerEnv built without one), uploads cannot be read. */
const noMedia = {
  read: async () => {
    throw new Error("uploads are not readable here (no media storage configured)");
  },
};

function summarize(changes: FeedChange[]): string {
  const shown = changes.slice(0, 3).map((c) => `${c.key}: ${c.reasons.join(", ")}`);
  return `${changes.length} product${changes.length === 1 ? "" : "s"} changed (${shown.join("; ")}${changes.length > 3 ? "; …" : ""})`;
}
