/**
 * The one place input values are checked: every value on an input port is parsed against its
 * port's schema (PORT_VALUE_SCHEMAS, or the port's own `schema`) before `run()`. The engine calls
 * this for every item it runs and the node test harness calls it too, so a node never re-checks
 * what it receives and a wrong wire is reported once, naming the port and the field in the value.
 */
import type { z } from "zod";
import { PORT_VALUE_SCHEMAS, type PortSpec } from "../schemas/index.js";
import { formatIssues } from "./shared/rows.js";

/** A skipped upstream item arrives as a hole marker (engine/fanout.ts SKIPPED); nodes may not import the engine. */
const isHole = (v: unknown) => typeof v === "object" && v !== null && (v as { $skipped?: unknown }).$skipped === true;

export interface PortValueIssue {
  port: string;
  /** Where in the value: list index first for a list port, then the zod path inside the element. */
  path: PropertyKey[];
  /** "clips[1]: expected a video, got an image (image/jpeg)" */
  message: string;
}

export type ParsedInputs = { ok: true; inputs: Record<string, unknown> } | { ok: false; issues: PortValueIssue[] };

export const portSchemaOf = (p: PortSpec): z.ZodType => p.schema ?? PORT_VALUE_SCHEMAS[p.type];

/**
 * Parse the raw inputs of one item. Optional ports that are unconnected or carry nothing (null)
 * come out undefined. A list port always comes out a list: a single value connected to it is a list
 * of one, a required list fed nothing is empty, and a skipped upstream item (or a null) leaves a
 * null at its position so lists that travel side by side stay aligned.
 */
export function parseInputs(ports: readonly PortSpec[], raw: Record<string, unknown>): ParsedInputs {
  const inputs: Record<string, unknown> = {};
  const issues: PortValueIssue[] = [];
  const check = (port: string, schema: z.ZodType, value: unknown, at: PropertyKey[]): unknown => {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const lines = formatIssues(r.error, [port, ...at]);
    r.error.issues.forEach((iss, i) => issues.push({ port, path: [...at, ...iss.path], message: lines[i] }));
    return undefined;
  };
  for (const p of ports) {
    const v = raw[p.name];
    const required = p.required ?? true;
    const schema = portSchemaOf(p);
    if (p.list) {
      if (v == null) {
        if (required) inputs[p.name] = [];
        continue;
      }
      const list = Array.isArray(v) ? v : [v];
      inputs[p.name] = list.map((x, i) => (x == null || isHole(x) ? null : check(p.name, schema, x, [i])));
    } else if (v == null && !required) {
      continue;
    } else if (v === undefined) {
      issues.push({ port: p.name, path: [], message: `${p.name}: nothing arrived on this required input` });
    } else {
      inputs[p.name] = check(p.name, schema, v, []);
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, inputs };
}
