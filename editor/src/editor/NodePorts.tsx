/** A node's ports as rows: inputs on the left edge, outputs on the right, handles coloured by type. */
import { Handle, Position } from "@xyflow/react";
import type { NodeTypeInfo } from "../../../schemas/index.js";
import type { CompileError } from "../../../schemas/index.js";
import { portColor } from "../graph/ports.js";

type Port = NodeTypeInfo["inputs"][number];

export function NodePorts({ info, errors }: { info: NodeTypeInfo; errors: CompileError[] }) {
  const rows = Math.max(info.inputs.length, info.outputs.length);
  const portError = (name: string) => errors.find((e) => e.port === name && (e.code === "MISSING_INPUT" || e.code === "PORT_TYPE_MISMATCH" || e.code === "MULTIPLE_EDGES_INTO_SINGLE_PORT" || e.code === "INCOMPATIBLE_FAN_IN"));
  return (
    <div className="node-ports">
      {Array.from({ length: rows }, (_, i) => {
        const inp = info.inputs[i];
        const out = info.outputs[i];
        return (
          <div className="port-row" key={i}>
            <div className="port port-in">{inp && <PortHandle port={inp} kind="target" error={portError(inp.name)} />}</div>
            <div className="port port-out">{out && <PortHandle port={out} kind="source" />}</div>
          </div>
        );
      })}
    </div>
  );
}

function PortHandle({ port, kind, error }: { port: Port; kind: "source" | "target"; error?: CompileError }) {
  const color = portColor(port.type);
  const title = `${port.label ?? port.name}: ${port.type}${port.list ? " list" : ""}${kind === "target" && port.required === false ? " (optional)" : ""}${
    port.description ? ` — ${port.description}` : ""
  }${error ? `\n⚠ ${error.message}` : ""}`;
  return (
    <>
      <Handle
        type={kind}
        id={port.name}
        position={kind === "target" ? Position.Left : Position.Right}
        className={`handle ${port.list ? "handle-list" : ""} ${error ? "handle-error" : ""}`}
        style={{ background: color, borderColor: color }}
        title={title}
        data-port-type={port.type}
        data-testid={`handle-${kind === "target" ? "in" : "out"}-${port.name}`}
      />
      <span className={`port-label ${error ? "port-label-error" : ""}`} title={title}>
        {port.label ?? port.name}
        {kind === "target" && port.required !== false && <span className="port-required">*</span>}
        <span className="port-type" style={{ color }}>
          {port.type}
          {port.list ? "[]" : ""}
        </span>
      </span>
    </>
  );
}
