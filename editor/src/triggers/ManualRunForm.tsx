/** A manual run with inputs: the asset source's products (and limit) overridden for this one run. */
import { useState } from "react";
import type { GraphDocument } from "../../../schemas/index.js";
import { errorMessage } from "../api/client.js";
import { hrefOf, navigate } from "../lib/router.js";
import { toast } from "../lib/toast.js";
import { triggersApi } from "./api.js";

const EXAMPLE = [{ id: "linen-shirt", name: "Linen shirt", price: 49, currency: "EUR", images: ["examples/demo-catalog/images/stride-sneaker.png"] }];

export function ManualRunForm({ graphId, document }: { graphId: string; document: GraphDocument }) {
  const sources = document.nodes.filter((n) => n.type === "asset.source");
  const [nodeId, setNodeId] = useState(sources[0]?.id ?? "");
  const current = (sources.find((s) => s.id === nodeId)?.config as { products?: unknown[] } | undefined)?.products;
  const [text, setText] = useState(() => JSON.stringify(current?.length ? current : EXAMPLE, null, 2));
  const [limit, setLimit] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  if (!sources.length) return <div className="muted small">This graph has no asset source, so a run has no inputs to fill in: use Run in the editor.</div>;

  const start = async () => {
    setError(null);
    let products: unknown;
    try {
      products = JSON.parse(text);
    } catch (err) {
      return setError(`Products: not valid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(products)) return setError("Products: expected a JSON list of products, e.g. [{ \"name\": …, \"price\": …, \"images\": […] }]");
    const n = limit.trim() === "" ? undefined : Number(limit);
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) return setError(`Limit: expected a whole number of at least 1, got "${limit}"`);
    setStarting(true);
    try {
      const { runId } = await triggersApi.runWithInputs(graphId, { [nodeId]: { source: "inline", products, ...(n ? { limit: n } : {}) } });
      toast("success", "Run started with your inputs");
      navigate({ page: "editor", graphId, runId });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  };

  return (
    <div className="form-grid" data-testid="manual-run">
      {sources.length > 1 && (
        <label className="wide">
          Asset source
          <select className="input" value={nodeId} onChange={(e) => setNodeId(e.target.value)}>
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label ?? s.id}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="wide">
        Products for this run (JSON list: name, price, images…)
        <textarea className="input mono" rows={8} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} data-testid="manual-products" />
      </label>
      <label>
        Use only the first N
        <input className="input" value={limit} placeholder="all" onChange={(e) => setLimit(e.target.value)} data-testid="manual-limit" />
      </label>
      <div className="button-row" style={{ alignSelf: "end" }}>
        <button className="btn btn-primary" onClick={start} disabled={starting} data-testid="manual-run-button">
          {starting ? "Starting…" : "▶ Run with these inputs"}
        </button>
      </div>
      {error && (
        <div className="form-error wide" role="alert" data-testid="manual-run-error">
          {error}
        </div>
      )}
      <div className="wide muted small">
        The same overrides work from the API (<span className="mono">POST /api/runs</span> with <span className="mono">overrides</span>) and the CLI (
        <span className="mono">genjed run FILE --input {nodeId}.limit=2</span>). <a href={hrefOf({ page: "editor", graphId })}>Back to the editor</a>
      </div>
    </div>
  );
}
