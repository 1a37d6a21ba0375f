import { z } from "zod";
import type { NodeTypeInfo } from "../schemas/index.js";
import { PortSpecSchema } from "../schemas/index.js";
import type { NodeDefinition } from "./types.js";

/** A set of node types by id. The product registry lives in nodes/index.ts; tests build their own. */
export class NodeRegistry {
  private readonly defs = new Map<string, NodeDefinition>();

  constructor(defs: NodeDefinition<any, any>[] = []) {
    for (const d of defs) this.register(d);
  }

  register(def: NodeDefinition<any, any>): this {
    if (this.defs.has(def.type)) throw new Error(`node type ${def.type} is registered twice`);
    this.defs.set(def.type, def);
    return this;
  }

  get(type: string): NodeDefinition | undefined {
    return this.defs.get(type);
  }

  all(): NodeDefinition[] {
    return [...this.defs.values()];
  }

  /** The catalog the editor builds its palette and forms from. */
  catalog(): NodeTypeInfo[] {
    return this.all().map((d) => describeNode(d));
  }
}

export function describeNode(d: NodeDefinition): NodeTypeInfo {
  let paid = false;
  try {
    paid = d.paid ? d.paid(d.config.parse({})) : false;
  } catch {
    // A config with required fields cannot be defaulted; fall back to "may be paid" if the node declares paid().
    paid = Boolean(d.paid);
  }
  return {
    type: d.type,
    version: d.version,
    title: d.title,
    category: d.category,
    description: d.description,
    inputs: d.inputs.map((p) => PortSpecSchema.parse(p)),
    outputs: d.outputs.map((p) => PortSpecSchema.parse({ required: false, ...p })),
    configSchema: withoutDeprecated(z.toJSONSchema(d.config, { io: "input", unrepresentable: "any" }) as Record<string, unknown>),
    paid,
    providers: d.providers ?? [],
  };
}

/** Retired options (kept so old graphs still load, ignored at run time) are not offered in the editor. */
function withoutDeprecated(schema: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties as Record<string, { deprecated?: boolean }> | undefined;
  if (!props) return schema;
  return { ...schema, properties: Object.fromEntries(Object.entries(props).filter(([, p]) => !p?.deprecated)) };
}
