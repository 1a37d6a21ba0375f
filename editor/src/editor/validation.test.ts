import { expect, it } from "vitest";
import type { CompileError } from "../../../schemas/index.js";
import { groupByNode } from "./validation.js";

const errors: CompileError[] = [
  { code: "INVALID_CONFIG", message: 'node "img": steps: Too big', nodeId: "img", field: "steps" },
  { code: "INVALID_CONFIG", message: 'node "src": products.0.price: Too small', nodeId: "src", field: "products.0.price" },
  { code: "MISSING_INPUT", message: 'node "img" needs its "prompt" input', nodeId: "img", port: "prompt" },
  { code: "CYCLE", message: "a -> b -> a", nodeId: "a", nodes: ["a", "b"] },
  { code: "INVALID_DOCUMENT", message: "name: Required", field: "name" },
];

it("files each compile error under the nodes it concerns (every member of a cycle)", () => {
  const by = groupByNode(errors);
  expect(Object.keys(by).sort()).toEqual(["a", "b", "img", "src"]);
  expect(by.img.map((e) => e.code)).toEqual(["INVALID_CONFIG", "MISSING_INPUT"]);
  expect(by.b[0].code).toBe("CYCLE");
});
