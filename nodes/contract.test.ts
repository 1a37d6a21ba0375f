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
import { defineNode } from "./types.js";

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

describe("registration checks", () => {
  const base = {
    type: "t.node",
    version: 1,
    title: "T",
    category: "test",
    description: "",
    inputs: [],
    outputs: [],
    config: z.object({ n: z.number().default(1) }),
    estimate: () => ({ usd: 0, seconds: 0 }),
    run: async () => ({}),
  };

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
