/**
 * The node contract, checked over every registered product node: what the registry checks at
 * registration, plus what the editor and the engine rely on (a catalogue entry with a JSON Schema
 * form, port schemas that exist, input parsing that accepts an unconnected optional port).
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PORT_VALUE_SCHEMAS } from "../schemas/index.js";
import { productNodes } from "./index.js";
import { parseInputs } from "./inputs.js";
import { checkDefinition, describeNode, NodeRegistry, NodeDefinitionError } from "./registry.js";
import { declaredSecretReader, declaredSecrets, defineNode, UndeclaredSecretError, type NodeDefinition } from "./contract.js";

describe.each(productNodes.map((d) => [d.type, d] as const))("node contract: %s", (_type, def) => {
  it("passes the registration checks", () => {
    expect(checkDefinition(def)).toEqual([]);
  });

  it("has a catalogue entry: title, description, category, ports and a JSON Schema form", () => {
    const info = describeNode(def);
    expect(info.title && info.description && info.category).toBeTruthy();
    expect((info.configSchema as { type?: string }).type).toBe("object");
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  it("declares the secrets it reads (a list, possibly empty) and its timeout, shown in the catalogue", () => {
    expect(def.secrets, "secrets").toBeDefined();
    expect(def.timeoutMs, "timeoutMs").toBeGreaterThan(0);
    const info = describeNode(def);
    expect(Array.isArray(info.secrets)).toBe(true);
    expect(info.timeoutMs).toBe(def.timeoutMs);
  });

  it("declares ports whose values have a schema", () => {
    for (const p of [...def.inputs, ...def.outputs]) expect(p.schema ?? PORT_VALUE_SCHEMAS[p.type as keyof typeof PORT_VALUE_SCHEMAS], `${p.name}`).toBeDefined();
  });

  it("runs input parsing with only the required ports wired", () => {
    const inputs = def.inputs as { name: string; required?: boolean; list?: boolean }[];
    const none = parseInputs(def.inputs, {});
    const missing = inputs.filter((p) => p.required !== false && !p.list).map((p) => p.name);
    expect(none.ok ? [] : none.issues.map((i) => i.port)).toEqual(missing);
  });
});

/** The smallest definition the registration checks accept, for tests to break one field at a time. */
function minimalDefinition<C extends z.ZodType>(type: string, config: C) {
  return { type, version: 1, title: "T", category: "test", description: "", inputs: [], outputs: [], config, estimate: () => ({ usd: 0, seconds: 0 }), run: async () => ({}) };
}

describe("registration checks", () => {
  const base = minimalDefinition("t.node", z.object({ n: z.number().default(1) }));

  it("refuses duplicate port names, a config without defaults and an estimate that throws or lies", () => {
    const bad = defineNode({
      ...base,
      inputs: [
        { name: "a", type: "text" },
        { name: "a", type: "json" },
      ],
      config: z.object({ n: z.number() }),
    });
    expect(() => new NodeRegistry([bad])).toThrow(NodeDefinitionError);
    expect(checkDefinition(bad)).toEqual([
      'inputs: port "a" is declared twice',
      expect.stringMatching(/^the default config \(\{\}\) does not parse: n: /),
    ]);
    expect(checkDefinition({ ...bad, inputs: [], exampleConfig: { n: 2 } })).toEqual([]);
    expect(checkDefinition({ ...base, estimate: () => ({ usd: Number.NaN, seconds: 1 }) })).toEqual([
      'estimate() should give finite, non-negative usd and seconds, gave {"usd":null,"seconds":1}',
    ]);
    expect(
      checkDefinition({
        ...base,
        estimate: () => {
          throw new Error("boom");
        },
      }),
    ).toEqual(["estimate() throws on the default config: boom"]);
    expect(checkDefinition({ ...base, outputs: [{ name: "1x", type: "nope" as never }] })).toHaveLength(1);
  });
});

describe("declared needs", () => {
  const base = minimalDefinition("t.needs", z.object({ key: z.string().default("HOOK_KEY") }));

  it("refuses a timeout that is not a positive whole number of ms and secrets that are not names", () => {
    expect(checkDefinition({ ...base, timeoutMs: 0 })).toEqual([expect.stringMatching(/^timeoutMs 0 should be a whole number of ms/)]);
    expect(checkDefinition({ ...base, timeoutMs: 2 ** 40 })).toHaveLength(1);
    expect(checkDefinition({ ...base, secrets: ["not a name"] })).toEqual([expect.stringMatching(/^secrets should be a list of secret names/)]);
    expect(checkDefinition({ ...base, secrets: (c: { key: string }) => [c.key], timeoutMs: 1000 })).toEqual([]);
  });

  it("the catalogue shows the declared secrets (a config-chosen name as the default config chooses it) and the timeout", () => {
    const node: NodeDefinition<any, any> = defineNode({ ...base, secrets: (c) => ["API_TOKEN", c.key], timeoutMs: 90_000 });
    const info = describeNode(node);
    expect(info).toMatchObject({ secrets: ["API_TOKEN", "HOOK_KEY"], timeoutMs: 90_000 });
    const publish = describeNode(productNodes.find((d) => d.type === "publish.channel")!);
    expect(publish.secrets).toEqual(expect.arrayContaining(["INSTAGRAM_ACCESS_TOKEN", "YOUTUBE_ACCESS_TOKEN", "TIKTOK_ACCESS_TOKEN", "WEBHOOK_SECRET"]));
  });

  it("a reader built from the declaration hands out declared names and throws SECRET_NOT_DECLARED for others", () => {
    const def = defineNode({ ...base, secrets: (c) => [c.key] });
    const reader = declaredSecretReader(def.type, declaredSecrets(def, { key: "MY_HOOK" }), { get: (n) => `value of ${n}` });
    expect(reader.get("MY_HOOK")).toBe("value of MY_HOOK");
    expect(() => reader.get("HOOK_KEY")).toThrow(UndeclaredSecretError);
    expect(() => reader.get("REPLICATE_API_TOKEN")).toThrow('node type t.needs read the secret "REPLICATE_API_TOKEN" without declaring it (declared: MY_HOOK)');
  });
});
