/**
 * Inputs for `genjed run`: `--input nodeId.field=value` (JSON when it parses, else text; `@file.json`
 * reads the value from a file) and `--inputs FILE` (`{ "nodeId": { "field": value } }`). They become
 * per-node config overrides, exactly what POST /api/runs takes as `overrides`.
 */
import { JsonTextError, parseJsonText } from "../../lib/files/index.js";
import { readFile } from "node:fs/promises";
import { RunOverridesSchema } from "../../schemas/api.js";
import { ConfigError } from "../config.js";

export type Overrides = Record<string, Record<string, unknown>>;

async function readJsonValue(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ConfigError(`${what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  try {
    return parseJsonText(text);
  } catch (e) {
    // Where, never what: the file's text is not echoed.
    throw new ConfigError(`${what}: ${file} is ${e instanceof JsonTextError ? e.message : "not valid JSON"}`);
  }
}

/** One `nodeId.field=value` flag. */
export async function parseInputFlag(flag: string): Promise<{ nodeId: string; field: string; value: unknown }> {
  const eq = flag.indexOf("=");
  const key = eq < 0 ? flag : flag.slice(0, eq);
  const dot = key.indexOf(".");
  if (eq < 0 || dot <= 0 || dot === key.length - 1) throw new ConfigError(`--input "${flag}": expected nodeId.field=value, e.g. assets.limit=3`);
  const nodeId = key.slice(0, dot);
  const field = key.slice(dot + 1);
  if (field.includes(".")) throw new ConfigError(`--input "${flag}": "${field}" is a nested field; give the whole "${field.split(".")[0]}" value instead`);
  const raw = flag.slice(eq + 1);
  if (raw.startsWith("@")) return { nodeId, field, value: await readJsonValue(raw.slice(1), `--input ${key}`) };
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself (assets.source=inline).
  }
  return { nodeId, field, value };
}

/** `--inputs FILE` first, then each `--input` on top, field by field. */
export async function parseRunInputs(flags: string[], file?: string): Promise<Overrides | undefined> {
  if (!flags.length && !file) return undefined;
  const out: Overrides = {};
  if (file) {
    const parsed = RunOverridesSchema.safeParse(await readJsonValue(file, "--inputs"));
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ConfigError(`--inputs ${file}: ${i.path.join(".") || "(top level)"}: ${i.message} (expected { "nodeId": { "field": value } })`);
    }
    for (const [node, fields] of Object.entries(parsed.data)) out[node] = { ...fields };
  }
  for (const flag of flags) {
    const { nodeId, field, value } = await parseInputFlag(flag);
    out[nodeId] = { ...out[nodeId], [field]: value };
  }
  return out;
}

/** The document with the overrides applied, for checking before anything starts (unknown nodes are named). */
export function withInputs(document: unknown, overrides: Overrides | undefined): unknown {
  if (!overrides || !document || typeof document !== "object") return document;
  const d = document as { nodes?: { id: string; config?: Record<string, unknown> }[] };
  const unknown = Object.keys(overrides).filter((id) => !d.nodes?.some((n) => n.id === id));
  if (unknown.length) throw new ConfigError(`inputs name node(s) the graph does not have: ${unknown.join(", ")}`);
  return { ...d, nodes: d.nodes?.map((n) => (overrides[n.id] ? { ...n, config: { ...n.config, ...overrides[n.id] } } : n)) };
}
