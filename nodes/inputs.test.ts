import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Brand, MediaRef } from "../schemas/index.js";
import { parseInputs } from "./inputs.js";
import { defineNode, type InputsOf } from "./contract.js";

const image = { hash: "a".repeat(64), mime: "image/png", size: 1, url: "/media/a", kind: "image" };
const hole = { $skipped: true };

const ports = [
  { name: "clips", type: "image", list: true },
  { name: "brand", type: "brand", required: false },
  { name: "scene", type: "json", required: false, schema: z.object({ prompt: z.string() }) },
  { name: "any", type: "json" },
] as const;

describe("parseInputs", () => {
  it("parses each port, wraps a single value on a list port, keeps holes as null and leaves unconnected optional ports out", () => {
    const r = parseInputs(ports, { clips: [image, hole, null], any: null });
    expect(r).toEqual({ ok: true, inputs: { clips: [{ ...image, meta: {} }, null, null], any: null } });
    expect(parseInputs(ports, { clips: image, any: 1, brand: null })).toEqual({ ok: true, inputs: { clips: [{ ...image, meta: {} }], any: 1 } });
    // A required list port fed nothing is empty: the node says what that means for it.
    expect(parseInputs(ports, { clips: null, any: 1 })).toEqual({ ok: true, inputs: { clips: [], any: 1 } });
  });

  it("reports every wrong value with its port and the path inside it", () => {
    const r = parseInputs(ports, { clips: [image, { ...image, kind: "video", mime: "video/mp4" }], scene: { prompt: 3 }, any: 1 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues).toEqual([
      { port: "clips", path: [1], message: "clips[1]: expected an image, got a video (video/mp4)" },
      { port: "scene", path: ["prompt"], message: expect.stringMatching(/^scene\.prompt: /) },
    ]);
    expect(parseInputs(ports, {})).toMatchObject({ ok: false, issues: [{ port: "any", message: "any: nothing arrived on this required input" }] });
  });

  it("types run()'s inputs from the declared ports", () => {
    type Inputs = InputsOf<typeof ports>;
    expectTypeOf<Inputs>().toEqualTypeOf<{ clips: (MediaRef | null)[]; any: unknown; brand?: Brand; scene?: { prompt: string } }>();
    const node = defineNode({
      type: "t.typed",
      version: 1,
      title: "",
      category: "",
      description: "",
      inputs: [{ name: "text", type: "text" }],
      outputs: [],
      config: z.object({ n: z.number().default(1) }),
      estimate: () => ({ usd: 0, seconds: 0 }),
      async run(inputs, config) {
        expectTypeOf(inputs.text).toEqualTypeOf<string>();
        expectTypeOf(config.n).toEqualTypeOf<number>();
        // @ts-expect-error a port the node does not declare is a compile error, not an undefined at run time
        void inputs.txt;
        return {};
      },
    });
    expect(node.type).toBe("t.typed");
  });
});
