/** Phase 2: every edge joins existing ports of compatible types; single ports take one edge; required inputs are wired. */
import { portAccepts } from "../../schemas/index.js";
import type { CompileState } from "./state.js";

export function checkEdges(s: CompileState): void {
  const { doc, errors, nodeById, portsOf, incoming } = s;
  for (const e of doc.edges) {
    let bad = false;
    for (const [end, id] of [["source", e.source], ["target", e.target]] as const) {
      if (!nodeById.has(id)) {
        errors.push({ code: "UNKNOWN_NODE", message: `edge "${e.id}" ${end} node "${id}" does not exist`, edgeId: e.id, nodeId: id });
        bad = true;
      }
    }
    if (bad) continue;
    const src = portsOf.get(e.source);
    const dst = portsOf.get(e.target);
    if (!src || !dst) continue; // node already reported (unknown type / bad config)
    const out = src.outputs.get(e.sourcePort);
    const inp = dst.inputs.get(e.targetPort);
    if (!out) {
      errors.push({ code: "UNKNOWN_PORT", message: `node "${e.source}" has no output port "${e.sourcePort}"`, edgeId: e.id, nodeId: e.source, port: e.sourcePort });
    }
    if (!inp) {
      errors.push({ code: "UNKNOWN_PORT", message: `node "${e.target}" has no input port "${e.targetPort}"`, edgeId: e.id, nodeId: e.target, port: e.targetPort });
    }
    if (!out || !inp) continue;
    if (!portAccepts(inp.type, out.type)) {
      errors.push({
        code: "PORT_TYPE_MISMATCH",
        message: `cannot connect ${e.source}.${e.sourcePort} (${out.type}) to ${e.target}.${e.targetPort} (${inp.type})`,
        edgeId: e.id,
        nodeId: e.target,
        port: e.targetPort,
      });
      continue;
    }
    const key = `${e.target}\u0000${e.targetPort}`;
    const list = incoming.get(key) ?? [];
    list.push(e);
    incoming.set(key, list);
  }
  for (const [key, es] of incoming) {
    const [target, port] = key.split("\u0000");
    const inp = portsOf.get(target)!.inputs.get(port)!;
    if (!inp.list && es.length > 1) {
      errors.push({
        code: "MULTIPLE_EDGES_INTO_SINGLE_PORT",
        message: `input "${port}" of node "${target}" takes one connection but has ${es.length} (${es.map((e) => e.id).join(", ")})`,
        nodeId: target,
        port,
        edgeId: es[1].id,
      });
    }
  }
  for (const [id, ports] of portsOf) {
    for (const p of ports.inputs.values()) {
      if (p.required && !incoming.has(`${id}\u0000${p.name}`)) {
        errors.push({ code: "MISSING_INPUT", message: `node "${id}" needs its "${p.name}" input (${p.type}) connected`, nodeId: id, port: p.name });
      }
    }
  }
}
