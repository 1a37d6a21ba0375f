/** `genjed run --input/--inputs`: parsing, and a real CLI run whose asset source gets the given products. */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { parseInputFlag, parseRunInputs, withInputs } from "./run-inputs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let db: TestDatabase;
let home: string;
beforeAll(async () => {
  db = await createTestDatabase();
  home = await mkdtemp(path.join(os.tmpdir(), "genjed-cli-inputs-"));
});
afterAll(async () => {
  await db?.drop();
  await rm(home, { recursive: true, force: true });
});

describe("run inputs", () => {
  it("reads nodeId.field=value as JSON when it parses, else as text, and @file as JSON", async () => {
    expect(await parseInputFlag("assets.limit=3")).toEqual({ nodeId: "assets", field: "limit", value: 3 });
    expect(await parseInputFlag("assets.source=inline")).toEqual({ nodeId: "assets", field: "source", value: "inline" });
    expect(await parseInputFlag('assets.urls=["https://x.test/a.png"]')).toEqual({ nodeId: "assets", field: "urls", value: ["https://x.test/a.png"] });
    const file = path.join(home, "p.json");
    await writeFile(file, '[{"name":"Mug"}]');
    expect(await parseInputFlag(`assets.products=@${file}`)).toEqual({ nodeId: "assets", field: "products", value: [{ name: "Mug" }] });
  });

  it("names what is wrong with a flag or an inputs file", async () => {
    await expect(parseInputFlag("assets")).rejects.toThrow(/--input "assets": expected nodeId.field=value/);
    await expect(parseInputFlag("assets.brand.name=X")).rejects.toThrow(/"brand.name" is a nested field; give the whole "brand" value/);
    await expect(parseInputFlag("assets.products=@/nope.json")).rejects.toThrow(/--input assets.products: cannot read \/nope.json: no such file/);
    const bad = path.join(home, "bad.json");
    await writeFile(bad, '{"assets": 3}');
    await expect(parseRunInputs([], bad)).rejects.toThrow(/--inputs .*bad\.json: assets: .*expected \{ "nodeId": \{ "field": value \} \}/);
    expect(() => withInputs({ nodes: [{ id: "a" }] }, { zz: { x: 1 } })).toThrow(/inputs name node\(s\) the graph does not have: zz/);
  });

  it("layers --input flags over an --inputs file, field by field", async () => {
    const file = path.join(home, "inputs.json");
    await writeFile(file, JSON.stringify({ assets: { source: "inline", limit: 5 }, other: { x: 1 } }));
    expect(await parseRunInputs(["assets.limit=1"], file)).toEqual({ assets: { source: "inline", limit: 1 }, other: { x: 1 } });
    expect(await parseRunInputs([])).toBeUndefined();
  });

  it("genjed run --inputs FILE --input ... runs the graph with the asset source's products replaced", async () => {
    const doc = {
      version: 1,
      name: "inputs test",
      nodes: [{ id: "assets", type: "asset.source", position: { x: 0, y: 0 }, config: { source: "file" } }],
      edges: [],
    };
    const graphFile = path.join(home, "graph.json");
    await writeFile(graphFile, JSON.stringify(doc));
    const products = [1, 2, 3].map((i) => ({ id: `mug-${i}`, name: `Mug ${i}`, price: 10 + i, images: ["examples/demo-catalog/images/aurora-bottle.png"] }));
    const inputsFile = path.join(home, "run-inputs.json");
    await writeFile(inputsFile, JSON.stringify({ assets: { source: "inline", products } }));
    const env = { ...process.env, DATABASE_URL: db.url, GENJED_HOME: home };
    const r = await promisify(execFile)(process.execPath, [path.join(root, "bin/genjed.js"), "run", graphFile, "--json", "--inputs", inputsFile, "--input", "assets.limit=2"], { cwd: root, env });
    const run = JSON.parse(r.stdout);
    expect(run.status).toBe("succeeded");
    const out = run.nodes.find((n: { nodeId: string }) => n.nodeId === "assets").output;
    expect(out.products.map((p: { id: string; price: number }) => [p.id, p.price])).toEqual([["mug-1", 11], ["mug-2", 12]]);

    const bad = await promisify(execFile)(process.execPath, [path.join(root, "bin/genjed.js"), "run", graphFile, "--input", "nope.limit=2"], { cwd: root, env }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/inputs name node\(s\) the graph does not have: nope/);
  });
});
