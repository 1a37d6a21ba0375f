/** The new-trigger form: kind, schedule / webhook mapping / feed conditions, overlap policy, version. */
import { useState } from "react";
import type { GraphDocument } from "../../../schemas/index.js";
import type { TriggerView } from "../../../schemas/triggers.js";
import { ApiError, errorMessage } from "../api/client.js";
import type { GraphVersion } from "../api/types.js";
import { browserZone } from "../calendar/grid.js";
import { triggersApi } from "./api.js";
import { FileInput } from "../uploads/FileInput.js";
import { CronFields } from "./CronFields.js";
import { initialForm, triggerBody, type FormKind, type TriggerFormState } from "./form.js";

const KINDS: { kind: FormKind; label: string }[] = [
  { kind: "cron", label: "Schedule (cron)" },
  { kind: "webhook", label: "Webhook" },
  { kind: "condition", label: "Feed condition" },
];

export function TriggerForm(props: { graphId: string; document: GraphDocument; versions: GraphVersion[]; onCreated: (t: TriggerView) => void }) {
  const { document } = props;
  const assetNode = document.nodes.find((n) => n.type === "asset.source")?.id ?? null;
  const [form, setForm] = useState<TriggerFormState>(() => initialForm({ timezone: browserZone(), assetNodeId: assetNode }));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<TriggerFormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    setError(null);
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    let body: Record<string, unknown>;
    try {
      body = triggerBody(form);
    } catch (err) {
      return setError(errorMessage(err));
    }
    setSaving(true);
    try {
      const t = await triggersApi.create(props.graphId, body);
      props.onCreated(t);
      setForm(initialForm({ timezone: form.timezone, assetNodeId: assetNode }));
    } catch (err) {
      const field = err instanceof ApiError ? (err.details as { field?: string } | undefined)?.field : undefined;
      setError(field && !errorMessage(err).startsWith(field) ? `${field}: ${errorMessage(err)}` : errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const nodeOptions = document.nodes.map((n) => (
    <option key={n.id} value={n.id}>
      {n.label ?? n.id} ({n.type})
    </option>
  ));

  return (
    <form onSubmit={submit} data-testid="trigger-form">
      <div className="kind-tabs" role="group" aria-label="Trigger kind">
        {KINDS.map((k) => (
          <button type="button" key={k.kind} className="btn btn-small" aria-pressed={form.kind === k.kind} onClick={() => set({ kind: k.kind })} data-testid={`kind-${k.kind}`}>
            {k.label}
          </button>
        ))}
      </div>
      <div className="form-grid">
        <label>
          Name
          <input className="input" value={form.name} placeholder="optional" onChange={(e) => set({ name: e.target.value })} data-testid="trigger-name" />
        </label>
        <label>
          Channel (for the calendar)
          <input className="input" value={form.channel} placeholder="e.g. instagram_reels" onChange={(e) => set({ channel: e.target.value })} />
        </label>

        {form.kind === "cron" && <CronFields form={form} set={set} />}

        {form.kind === "webhook" && (
          <>
            <label>
              Body field with the products
              <input className="input mono" value={form.mapFrom} onChange={(e) => set({ mapFrom: e.target.value })} data-testid="webhook-from" />
            </label>
            <label>
              Goes to node
              <select className="input" value={form.mapNodeId} onChange={(e) => set({ mapNodeId: e.target.value })}>
                <option value="">(no input: just run the graph)</option>
                {nodeOptions}
              </select>
            </label>
            <div className="wide muted small">The URL and signing secret are shown once, right after you create the trigger.</div>
          </>
        )}

        {form.kind === "condition" && (
          <>
            <div className="wide file-labelled">
              <label htmlFor="condition-feed">Product feed (JSON or CSV: upload one, or an http(s) URL or a path in examples/)</label>
              <FileInput id="condition-feed" accept="catalogue" value={form.feed} placeholder="https://shop.example.com/inventory.json" onChange={(v) => set({ feed: v ?? "" })} testId="condition-feed" />
            </div>
            <label>
              Check every (seconds)
              <input className="input" type="number" min={10} value={form.intervalSeconds} onChange={(e) => set({ intervalSeconds: e.target.value })} />
            </label>
            <label>
              Changed products go to
              <select className="input" value={form.targetNodeId} onChange={(e) => set({ targetNodeId: e.target.value })}>
                {!assetNode && <option value="">choose a node</option>}
                {nodeOptions}
              </select>
            </label>
            <label className="check">
              <input type="checkbox" checked={form.onNew} onChange={(e) => set({ onNew: e.target.checked })} /> New products
            </label>
            <label className="check">
              <input type="checkbox" checked={form.onPriceChange} onChange={(e) => set({ onPriceChange: e.target.checked })} /> Price changes
            </label>
            <label>
              Stock falls below
              <input className="input" value={form.stockBelow} placeholder="e.g. 5" onChange={(e) => set({ stockBelow: e.target.value })} data-testid="stock-below" />
            </label>
            <label>
              Stock rises above
              <input className="input" value={form.stockAbove} placeholder="e.g. 0 (back in stock)" onChange={(e) => set({ stockAbove: e.target.value })} />
            </label>
            <div className="wide muted small">The first check only learns the feed; after that each change runs the graph once, with the changed products as its input.</div>
          </>
        )}

        <label>
          If the previous run is still going
          <select className="input" value={form.overlap} onChange={(e) => set({ overlap: e.target.value as TriggerFormState["overlap"] })} data-testid="overlap">
            <option value="skip">Skip this fire</option>
            <option value="queue">Queue it until the run ends</option>
            <option value="allow">Run anyway (in parallel)</option>
          </select>
        </label>
        <label>
          Version
          <select className="input" value={form.versionId} onChange={(e) => set({ versionId: e.target.value })}>
            <option value="">Latest saved version</option>
            {props.versions.map((v) => (
              <option key={v.id} value={v.id}>
                Pin v{v.number}
                {v.label ? ` — ${v.label}` : ""}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <div className="form-error" role="alert" data-testid="trigger-form-error">
          {error}
        </div>
      )}
      <div className="button-row">
        <button className="btn btn-primary" type="submit" disabled={saving} data-testid="create-trigger">
          {saving ? "Creating…" : "Create trigger"}
        </button>
      </div>
    </form>
  );
}
