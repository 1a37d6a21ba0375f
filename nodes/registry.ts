import { z } from "zod";
import type { NodeTypeInfo } from "../schemas/index.js";
import { PortSpecSchema, type PortSpec } from "../schemas/index.js";
import { declaredSecrets, DEFAULT_NODE_TIMEOUT_MS, type NodeDefinition } from "./contract.js";

/** A set of node types by id. The product registry lives in nodes/index.ts; tests build their own. */
export class NodeRegistry {
  private readonly defs = new Map<string, NodeDefinition>();

  constructor(defs: NodeDefinition<any, any>[] = []) {
    for (const d of defs) this.register(d);
  }

  register(def: NodeDefinition<any, any>): this {
    if (this.defs.has(def.type)) throw new Error(`node type ${def.type} is registered twice`);
    const problems = checkDefinition(def);
    if (problems.length) throw new NodeDefinitionError(def.type, problems);
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

export class NodeDefinitionError extends Error {
  constructor(
    readonly nodeType: string,
    readonly problems: string[],
  ) {
    super(`node type ${nodeType} is not a valid definition: ${problems.join("; ")}`);
    this.name = "NodeDefinitionError";
  }
}

/**
 * What every definition must satisfy before the engine may run it, checked once at registration so
 * a mistake fails at start-up (and in the contract test), not in the middle of someone's run:
 * well-formed ports with unique names, a default (or example) config that parses, and an estimate,
 * paid() and fallbacks() that run on it and give sensible numbers.
 */
export function checkDefinition(def: NodeDefinition<any, any>): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(def.version) || def.version < 1) problems.push(`version ${def.version} should be a positive integer`);
  for (const side of ["inputs", "outputs"] as const) {
    const seen = new Set<string>();
    (def[side] as PortSpec[]).forEach((p, i) => {
      const r = PortSpecSchema.safeParse(p);
      if (!r.success) problems.push(`${side}[${i}] (${String(p?.name)}): ${r.error.issues.map((x) => `${x.path.join(".") || "port"}: ${x.message}`).join(", ")}`);
      if (seen.has(p.name)) problems.push(`${side}: port "${p.name}" is declared twice`);
      seen.add(p.name);
      if (p.schema !== undefined && typeof (p.schema as { safeParse?: unknown }).safeParse !== "function") problems.push(`${side}.${p.name}: schema is not a zod schema`);
    });
  }
  const parsed = def.config.safeParse(def.exampleConfig ?? {});
  if (!parsed.success) {
    const where = def.exampleConfig === undefined ? "the default config ({})" : "exampleConfig";
    problems.push(`${where} does not parse: ${parsed.error.issues.map((x: z.core.$ZodIssue) => `${x.path.join(".") || "config"}: ${x.message}`).join(", ")} (give the fields defaults or name an exampleConfig)`);
    return problems;
  }
  const attempt = (what: string, f: () => void) => {
    try {
      f();
    } catch (err) {
      problems.push(`${what} throws on the default config: ${(err as Error).message}`);
    }
  };
  attempt("estimate()", () => {
    const e = def.estimate(parsed.data);
    if (!e || !Number.isFinite(e.usd) || e.usd < 0 || !Number.isFinite(e.seconds) || e.seconds < 0) {
      problems.push(`estimate() should give finite, non-negative usd and seconds, gave ${JSON.stringify(e)}`);
    }
  });
  if (def.paid) attempt("paid()", () => void def.paid!(parsed.data));
  if (def.timeoutMs !== undefined && (!Number.isInteger(def.timeoutMs) || def.timeoutMs < 1 || def.timeoutMs > MAX_TIMEOUT_MS)) {
    problems.push(`timeoutMs ${def.timeoutMs} should be a whole number of ms from 1 to ${MAX_TIMEOUT_MS}`);
  }
  attempt("secrets()", () => {
    const names = declaredSecrets(def, parsed.data);
    if (!Array.isArray(names) || names.some((n) => typeof n !== "string" || !SECRET_NAME.test(n))) {
      problems.push(`secrets should be a list of secret names (like INSTAGRAM_ACCESS_TOKEN), gave ${JSON.stringify(names)}`);
    }
  });
  if (def.providerOf) {
    attempt("providerOf()", () => {
      const p = def.providerOf!(parsed.data);
      if (p !== null && typeof p !== "string") problems.push(`providerOf() should give a provider name or null, gave ${JSON.stringify(p)}`);
    });
  }
  if (def.fallbacks) {
    attempt("fallbacks()", () => {
      const chain = def.fallbacks!(parsed.data);
      if (!Array.isArray(chain) || chain.length === 0) problems.push("fallbacks() should start with the config itself");
    });
  }
  return problems;
}

/** setTimeout's ceiling (about 24.8 days): a longer timer fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** What the workspace secrets API accepts as a name. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function describeNode(d: NodeDefinition): NodeTypeInfo {
  let paid = false;
  try {
    paid = d.paid ? d.paid(d.config.parse(d.exampleConfig ?? {})) : false;
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
    secrets: catalogueSecrets(d),
    timeoutMs: d.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS,
  };
}

/** A config-dependent declaration is shown for the default config (e.g. the webhook's default secret name). */
function catalogueSecrets(d: NodeDefinition): string[] {
  try {
    return [...declaredSecrets(d, d.config.parse(d.exampleConfig ?? {}))];
  } catch {
    return typeof d.secrets === "function" ? [] : [...(d.secrets ?? [])];
  }
}

/** Retired options (kept so old graphs still load, ignored at run time) are not offered in the editor. */
function withoutDeprecated(schema: Record<string, unknown>): Record<string, unknown> {
  const props = schema.properties as Record<string, { deprecated?: boolean }> | undefined;
  if (!props) return schema;
  return { ...schema, properties: Object.fromEntries(Object.entries(props).filter(([, p]) => !p?.deprecated)) };
}
