/**
 * The new-trigger form's state and what it sends: one state object for every kind, turned into the
 * API body of the chosen kind. Also the shell snippet that shows how to sign a webhook delivery.
 */
import { CRON_PRESETS } from "../../../schemas/triggers.js";

export type FormKind = "cron" | "webhook" | "condition";

export interface TriggerFormState {
  kind: FormKind;
  name: string;
  channel: string;
  overlap: "skip" | "queue" | "allow";
  /** "" = latest saved version. */
  versionId: string;
  expression: string;
  timezone: string;
  missedPolicy: "skip" | "catchup";
  /** webhook: body path -> node.field */
  mapFrom: string;
  mapNodeId: string;
  mapField: string;
  feed: string;
  intervalSeconds: string;
  onNew: boolean;
  onPriceChange: boolean;
  stockBelow: string;
  stockAbove: string;
  targetNodeId: string;
}

export const PRESETS = Object.entries(CRON_PRESETS).map(([name, expression]) => ({ name, expression }));

export function initialForm(o: { timezone: string; assetNodeId: string | null }): TriggerFormState {
  return {
    kind: "cron",
    name: "",
    channel: "",
    overlap: "skip",
    versionId: "",
    expression: CRON_PRESETS.daily,
    timezone: o.timezone,
    missedPolicy: "skip",
    mapFrom: "products",
    mapNodeId: o.assetNodeId ?? "",
    mapField: "products",
    feed: "",
    intervalSeconds: "300",
    onNew: true,
    onPriceChange: true,
    stockBelow: "",
    stockAbove: "",
    targetNodeId: o.assetNodeId ?? "",
  };
}

/** A number field: empty is null; anything else must be a number (the message names the field). */
function numberOrNull(text: string, label: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`${label}: "${text}" is not a number`);
  return n;
}

/** The POST /api/graphs/:id/triggers body; throws with a message naming the field for what the form can tell. */
export function triggerBody(s: TriggerFormState): Record<string, unknown> {
  const base = {
    ...(s.name.trim() ? { name: s.name.trim() } : {}),
    channel: s.channel.trim() || null,
    overlap: s.overlap,
    versionId: s.versionId || null,
  };
  if (s.kind === "cron") return { ...base, kind: "cron", config: { expression: s.expression.trim(), timezone: s.timezone, missedPolicy: s.missedPolicy } };
  if (s.kind === "webhook") {
    if (!s.mapNodeId) return { ...base, kind: "webhook", config: { mappings: [] } };
    return { ...base, kind: "webhook", config: { mappings: [{ from: s.mapFrom.trim(), nodeId: s.mapNodeId, field: s.mapField.trim() || "products", required: true }] } };
  }
  const interval = numberOrNull(s.intervalSeconds, "Check every (seconds)");
  return {
    ...base,
    kind: "condition",
    config: {
      feed: s.feed.trim(),
      intervalSeconds: interval ?? 300,
      onNew: s.onNew,
      onPriceChange: s.onPriceChange,
      stockBelow: numberOrNull(s.stockBelow, "Stock falls below"),
      stockAbove: numberOrNull(s.stockAbove, "Stock rises above"),
      ...(s.targetNodeId ? { target: { nodeId: s.targetNodeId, field: "products" } } : {}),
    },
  };
}

/** How a sender signs a delivery, as a copy-paste shell example (openssl + curl). */
export function signingExample(url: string, secret: string): string {
  return [
    `SECRET='${secret}'`,
    `BODY='{"products":[{"name":"Linen shirt","price":49,"images":["https://example.com/shirt.jpg"]}]}'`,
    "TS=$(date +%s)",
    'SIG=$(printf \'%s.%s\' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed \'s/^.* //\')',
    `curl -X POST '${url}' -H 'content-type: application/json' -H "X-Genjed-Signature: t=$TS,v1=$SIG" --data "$BODY"`,
  ].join("\n");
}
