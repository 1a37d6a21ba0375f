/**
 * What the compiler's phases share while they check one document: every phase reads what the
 * ones before it found and adds its errors, so one compile reports every problem at once.
 */
import type { z } from "zod";
import type { CompileError, GraphDocument, PortSpecSchema } from "../../schemas/index.js";
import type { NodeRegistry } from "../../nodes/registry.js";
import type { PlanNode } from "./plan.js";

export type Port = z.infer<typeof PortSpecSchema>;
export type DocNode = GraphDocument["nodes"][number];
export type DocEdges = GraphDocument["edges"];

export interface CompileState {
  doc: GraphDocument;
  registry: NodeRegistry;
  errors: CompileError[];
  /** Nodes by id (first of each duplicated id). */
  nodeById: Map<string, DocNode>;
  /** Ports of every node whose type is known. */
  portsOf: Map<string, { inputs: Map<string, Port>; outputs: Map<string, Port> }>;
  /** Plan entries of every node whose type is known and whose config parses. */
  planNodes: Map<string, PlanNode>;
  /** Valid edges into each input, keyed `node\u0000port`. */
  incoming: Map<string, DocEdges>;
  deps: Map<string, Set<string>>;
  dependents: Map<string, Set<string>>;
  /** Topological order (complete only when there is no cycle). */
  order: string[];
}
