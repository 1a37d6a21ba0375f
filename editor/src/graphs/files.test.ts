import { expect, it } from "vitest";
import { fileNameFor, parseGraphFile } from "./files.js";

it("parses an exported document, a graph record, and explains bad files", () => {
  const doc = { version: 1, name: "A", nodes: [{ id: "n", type: "t", position: { x: 0, y: 0 }, config: {} }], edges: [] };
  expect(parseGraphFile(JSON.stringify(doc))).toEqual({ ok: true, document: doc });
  expect(parseGraphFile(JSON.stringify({ id: "x", name: "A", document: doc }))).toEqual({ ok: true, document: doc });
  expect(parseGraphFile("{")).toMatchObject({ ok: false, error: expect.stringContaining("Not a JSON file") });
  expect(parseGraphFile(JSON.stringify({ ...doc, nodes: [{ id: "n" }] }))).toMatchObject({ ok: false, error: expect.stringMatching(/^Not a Genjed graph: nodes\.0\.type/) });
  expect(fileNameFor("Launch Ad: v2!")).toBe("launch-ad-v2.genjed.json");
});
