/**
 * Fan-out: a value nested deeper than its port expects maps the node over the extra levels.
 * Each execution is an "item" named by its path ("" unmapped, "3", "3.1" nested). Inputs that
 * are less deep broadcast along the deeper ones (leading levels aligned), like array broadcasting.
 * Outputs are gathered back into nested lists by path. A skipped item leaves a hole that
 * propagates: downstream items fed by a hole are skipped too.
 */
import type { PlanNode } from "./compile.js";

export const SKIPPED = Object.freeze({ $skipped: true as const });
export const isSkipped = (v: unknown): boolean =>
  typeof v === "object" && v !== null && (v as { $skipped?: unknown }).$skipped === true;

export interface PlannedItem {
  item: string;
  inputs: Record<string, unknown>;
  /** Fed by a hole: created already skipped. */
  skipped: boolean;
}

export class FanOutError extends Error {
  constructor(
    message: string,
    readonly port?: string,
  ) {
    super(message);
  }
}

interface ResolvedInput {
  port: string;
  value: unknown;
  extra: number;
}

/**
 * Resolve a node's inputs from its upstream outputs, then split it into items.
 * `outputs` maps upstream nodeId -> { port: gathered value }.
 */
export function planItems(node: PlanNode, outputs: Record<string, Record<string, unknown> | null | undefined>): PlannedItem[] {
  const resolved: ResolvedInput[] = [];
  for (const input of node.inputs) {
    if (input.edges.length === 0) continue;
    const portDepth = input.list ? 1 : 0;
    if (input.edges.length === 1) {
      const e = input.edges[0];
      const value = outputs[e.source]?.[e.sourcePort];
      resolved.push({ port: input.port, value: value === undefined ? null : value, extra: Math.max(0, e.depth - portDepth) });
    } else {
      // Several connections into one list port: concatenated in edge order (holes dropped).
      const joined: unknown[] = [];
      for (const e of input.edges) {
        const v = outputs[e.source]?.[e.sourcePort];
        if (v === undefined || isSkipped(v)) continue;
        if (e.depth >= 1 && Array.isArray(v)) joined.push(...v.filter((x) => !isSkipped(x)));
        else joined.push(v);
      }
      resolved.push({ port: input.port, value: joined, extra: 0 });
    }
  }

  const depth = node.mapDepth;
  if (depth === 0) {
    const inputs = Object.fromEntries(resolved.map((r) => [r.port, r.value]));
    return [{ item: "", inputs, skipped: resolved.some((r) => isSkipped(r.value)) }];
  }

  const items: PlannedItem[] = [];
  const walk = (path: number[]) => {
    if (path.length === depth) {
      const inputs: Record<string, unknown> = {};
      let skipped = false;
      for (const r of resolved) {
        const v = at(r.value, path.slice(0, r.extra));
        if (isSkipped(v)) skipped = true;
        inputs[r.port] = v;
      }
      items.push({ item: path.join("."), inputs, skipped });
      return;
    }
    const level = path.length;
    // Every input mapped at this level must agree on the length here.
    let length: number | undefined;
    let lengthFrom = "";
    for (const r of resolved) {
      if (r.extra <= level) continue;
      const list = at(r.value, path);
      if (isSkipped(list)) continue;
      if (!Array.isArray(list)) {
        throw new FanOutError(`input "${r.port}" should be a list at item ${path.join(".") || "(top)"} but is ${typeName(list)}`, r.port);
      }
      if (length === undefined) {
        length = list.length;
        lengthFrom = r.port;
      } else if (list.length !== length) {
        throw new FanOutError(
          `inputs "${lengthFrom}" (${length} items) and "${r.port}" (${list.length} items) cannot be paired item by item`,
          r.port,
        );
      }
    }
    if (length === undefined) {
      // Everything at this level is a hole: one skipped item stands for it.
      items.push({ item: [...path, 0].join("."), inputs: {}, skipped: true });
      return;
    }
    for (let i = 0; i < length; i++) walk([...path, i]);
  };
  walk([]);
  return items;
}

function at(value: unknown, path: number[]): unknown {
  let v = value;
  for (const i of path) {
    if (isSkipped(v)) return SKIPPED;
    if (!Array.isArray(v)) return undefined;
    v = v[i];
  }
  return v;
}

const typeName = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : typeof v);

/** Gather item outputs (by path) back into nested lists per output port. */
export function gatherOutputs(
  node: PlanNode,
  items: { item: string; output: Record<string, unknown> | null; ok: boolean }[],
): Record<string, unknown> {
  const ports = Object.keys(node.outputDepth);
  if (node.mapDepth === 0) {
    const only = items[0];
    if (!only || !only.ok || !only.output) return Object.fromEntries(ports.map((p) => [p, SKIPPED]));
    return Object.fromEntries(ports.map((p) => [p, only.output![p] ?? null]));
  }
  const result: Record<string, unknown> = {};
  for (const p of ports) {
    const root: unknown[] = [];
    for (const it of items) {
      const path = it.item.split(".").map(Number);
      let list = root;
      for (let level = 0; level < path.length - 1; level++) {
        const i = path[level];
        if (!Array.isArray(list[i])) list[i] = [];
        list = list[i] as unknown[];
      }
      list[path[path.length - 1]] = it.ok && it.output ? (it.output[p] ?? null) : SKIPPED;
    }
    result[p] = fillHoles(root);
  }
  return result;
}

/** Sparse arrays (an empty upstream list) become dense. */
function fillHoles(list: unknown[]): unknown[] {
  return Array.from(list, (v) => (Array.isArray(v) ? fillHoles(v) : v === undefined ? SKIPPED : v));
}
