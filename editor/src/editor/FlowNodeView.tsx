/** How one graph node looks on the canvas (React Flow custom node "genjed"). */
import type { NodeProps } from "@xyflow/react";
import { memo, type ReactNode } from "react";
import type { CompileError } from "../../../schemas/index.js";
import type { FlowNode } from "../collab/binding.js";
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";
import { NodePorts } from "./NodePorts.js";
import { NodePreview } from "./NodePreview.js";
import { NodeRunBar } from "./NodeRunBar.js";
import { categoryColor } from "./status.js";
import { noErrors } from "./validation.js";

function summarize(config: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(config)) {
    if (out.length >= 3) break;
    if (typeof v === "string" && v) out.push([k, v.length > 42 ? `${v.slice(0, 40)}…` : v]);
    else if (typeof v === "number" || typeof v === "boolean") out.push([k, String(v)]);
    else if (Array.isArray(v)) out.push([k, `${v.length} item${v.length === 1 ? "" : "s"}`]);
  }
  return out;
}

function FlowNodeViewInner({ id, data, selected }: NodeProps<FlowNode>) {
  const { catalog, validator, runs, session } = useEditor();
  const info = catalog.get(data.type);
  const errors = useStore(validator.state, (s) => s.byNode[id] ?? noErrors);
  const agg = useStore(runs.state, (s) => s.byNode[id]);
  const peerColor = useStore(session.state, (s) => s.peers.find((p) => p.selection.includes(id))?.user.color);
  const peerName = useStore(session.state, (s) => s.peers.find((p) => p.selection.includes(id))?.user.name);
  const accent = categoryColor(info?.category);
  const status = agg?.status;
  const title = data.label || info?.title || data.type;
  return (
    <div
      className={`gnode ${selected ? "gnode-selected" : ""} ${errors.length ? "gnode-error" : ""} ${status ? `gnode-status-${status}` : ""}`}
      style={{ ["--accent" as string]: accent, ...(peerColor ? { ["--peer" as string]: peerColor } : {}) }}
      data-testid="graph-node"
      data-node-id={id}
      data-status={status ?? "none"}
    >
      {peerColor && (
        <div className="gnode-peer" style={{ background: peerColor }}>
          {peerName}
        </div>
      )}
      <div className="gnode-header">
        <span className="gnode-dot" />
        <span className="gnode-title" title={`${title} (${data.type})`}>
          {title}
        </span>
        {info?.paid && (
          <span className="gnode-paid" title="May cost money (checked against the run budget)">
            $
          </span>
        )}
      </div>
      {data.label && info && <div className="gnode-subtitle">{info.title}</div>}
      {!info ? (
        <div className="gnode-unknown">Unknown node type “{data.type}”. Its plugin may be missing.</div>
      ) : (
        <NodePorts info={info} errors={errors} />
      )}
      {summarize(data.config).length > 0 && (
        <div className="gnode-config">
          {summarize(data.config).map(([k, v]) => (
            <div key={k} className="gnode-config-row">
              <span className="gnode-config-key">{k}</span>
              <span className="gnode-config-value">{v}</span>
            </div>
          ))}
        </div>
      )}
      {errors.length > 0 && (
        <ul className="gnode-errors" data-testid="node-errors">
          {errors.slice(0, 3).map((e, i) => (
            <li key={i} title={e.message}>
              {nodeErrorText(e)}
            </li>
          ))}
          {errors.length > 3 && <li>+{errors.length - 3} more</li>}
        </ul>
      )}
      {agg && <NodeRunBar agg={agg} />}
      {agg && agg.errors.length > 0 && (
        <div className="gnode-run-error" title={agg.errors[0].message}>
          {agg.errors[0].message}
        </div>
      )}
      {agg && agg.outputs.length > 0 && <NodePreview outputs={agg.outputs} />}
    </div>
  );
}

/** Compiler messages name the node ("node "x": ..."): on the node itself that is noise. */
export function nodeErrorText(e: CompileError): ReactNode {
  const rest = e.message.replace(/^node "[^"]*":\s*/, "");
  switch (e.code) {
    case "MISSING_INPUT":
      return (
        <>
          <b>{e.port}</b> needs a connection
        </>
      );
    case "INVALID_CONFIG":
      return e.field ? (
        <>
          <b>{e.field}:</b> {rest.replace(new RegExp(`^${e.field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\s*`), "")}
        </>
      ) : (
        rest
      );
    case "CYCLE":
      return <>part of a loop: {e.nodes?.join(" → ")}</>;
    default:
      return e.port ? (
        <>
          <b>{e.port}:</b> {rest}
        </>
      ) : (
        rest
      );
  }
}

export const FlowNodeView = memo(FlowNodeViewInner);
