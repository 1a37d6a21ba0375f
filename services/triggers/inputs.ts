/**
 * How trigger payloads become a run's inputs: values from a webhook body or a feed's changed items
 * are written into node config fields as per-run overrides (usually the asset source's product
 * list). Problems name the payload field, the way the sender would look for it.
 */
import type { CompileError, GraphDocument } from "../../schemas/index.js";
import type { InputMapping, InputTarget } from "../../schemas/triggers.js";
import type { NodeRegistry } from "../../nodes/registry.js";
import { compile } from "../../engine/compile.js";

export type Overrides = Record<string, Record<string, unknown>>;

export const ASSET_SOURCE_TYPE = "asset.source";

/** A payload that cannot be used: `field` is its path in the payload ("products.2.price"). */
export class PayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly errors: { field: string; message: string }[] = [{ field, message }],
  ) {
    super(message);
  }
}

type Doc = Pick<GraphDocument, "nodes">;

/** Where products go by default: the graph's (first) asset source, field `products`. */
export function defaultTarget(document: Doc): InputTarget | null {
  const node = document.nodes.find((n) => n.type === ASSET_SOURCE_TYPE);
  return node ? { nodeId: node.id, field: "products" } : null;
}

export function defaultMappings(document: Doc): InputMapping[] {
  const t = defaultTarget(document);
  return t ? [{ from: "products", nodeId: t.nodeId, field: t.field, required: true }] : [];
}

/** Writing products into an asset source also switches it to the inline rows. */
export function targetOverrides(document: Doc, target: InputTarget, value: unknown): Overrides {
  const node = document.nodes.find((n) => n.id === target.nodeId);
  const extra = node?.type === ASSET_SOURCE_TYPE && target.field === "products" ? { source: "inline" } : {};
  return { [target.nodeId]: { ...extra, [target.field]: value } };
}

/** Merge per-node overrides; later ones win field by field. */
export function mergeOverrides(...all: (Overrides | null | undefined)[]): Overrides {
  const out: Overrides = {};
  for (const o of all) for (const [node, fields] of Object.entries(o ?? {})) out[node] = { ...out[node], ...fields };
  return out;
}

/** A dot path ("order.items", "products.0") into a JSON value; "" is the value itself. */
export function readPath(value: unknown, path: string): unknown {
  if (path === "") return value;
  let cur = value;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The overrides a JSON body makes through the trigger's mappings; a missing required value names its field. */
export function mapPayload(body: unknown, mappings: InputMapping[], document: Doc): Overrides {
  const missing: { field: string; message: string }[] = [];
  const parts: Overrides[] = [];
  for (const m of mappings) {
    const value = readPath(body, m.from);
    if (value === undefined) {
      if (m.required) missing.push({ field: m.from || "(body)", message: `required: ${m.from ? `"${m.from}"` : "a JSON body"} (it goes to ${m.nodeId}.${m.field})` });
      continue;
    }
    parts.push(targetOverrides(document, { nodeId: m.nodeId, field: m.field }, value));
  }
  if (missing.length) throw new PayloadError(missing[0].field, missing.map((e) => `${e.field}: ${e.message}`).join("; "), missing);
  return mergeOverrides(...parts);
}

export function applyOverrides(document: GraphDocument, overrides: Overrides): GraphDocument {
  return { ...document, nodes: document.nodes.map((n) => (overrides[n.id] ? { ...n, config: { ...n.config, ...overrides[n.id] } } : n)) };
}

/**
 * Compile the document with the payload's overrides, before anything is recorded or started, so a
 * bad body is answered at once. Config errors in a mapped field are named by their payload path.
 */
export function checkPayload(document: GraphDocument, overrides: Overrides, mappings: InputMapping[], registry: NodeRegistry): void {
  const unknown = Object.keys(overrides).filter((id) => !document.nodes.some((n) => n.id === id));
  if (unknown.length) throw new PayloadError(unknown[0], `the graph has no node "${unknown[0]}" to give inputs to; fix the trigger's mappings`);
  const result = compile(applyOverrides(document, overrides), registry);
  if (result.ok) return;
  const mapped = result.errors.flatMap((e) => {
    const field = payloadField(e, mappings);
    return field === null ? [] : [{ field, message: issueText(e) }];
  });
  if (mapped.length) throw new PayloadError(mapped[0].field, mapped.map((e) => `${e.field || "(body)"}: ${e.message}`).join("; "), mapped);
  throw new GraphInvalidError(result.errors);
}

/** The graph itself cannot run (not the payload's fault). */
export class GraphInvalidError extends Error {
  constructor(readonly errors: CompileError[]) {
    super(`the graph has ${errors.length} error(s): ${errors.slice(0, 3).map((e) => e.message).join("; ")}`);
  }
}

/** The zod issue alone, without the compiler's "node "x": field: " prefix. */
const issueText = (e: CompileError) => e.message.replace(/^node "[^"]*": /, "").replace(e.field ? `${e.field}: ` : "", "");

/** A config error in a mapped field ("products.0.price" of node assets) as the payload path it came from. */
function payloadField(e: CompileError, mappings: InputMapping[]): string | null {
  if (!e.nodeId || !e.field) return null;
  for (const m of mappings) {
    if (m.nodeId !== e.nodeId) continue;
    if (e.field === m.field || e.field.startsWith(`${m.field}.`)) return [m.from, e.field.slice(m.field.length + 1)].filter(Boolean).join(".");
  }
  return null;
}
