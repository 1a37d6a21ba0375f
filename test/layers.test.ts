/**
 * The floor plan as a test (DESIGN.md, "Layout"): a file may import only the layers below its own,
 * so the engine never reaches into domain backends or the server and nodes never reach into the
 * engine. Imports are read with a regex over `from "..."` / `import("...")`: cheap, and enough,
 * since every cross-folder import in this repo is a relative path.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What each top-level folder may import besides itself. Folders not listed (test/, bench/) may import anything. */
const MAY_IMPORT: Record<string, string[]> = {
  schemas: [],
  lib: ["schemas"],
  db: [],
  nodes: ["schemas", "lib"],
  engine: ["schemas", "lib", "nodes", "db"],
  services: ["schemas", "lib", "nodes", "engine", "db"],
  server: ["schemas", "lib", "nodes", "engine", "services", "db"],
  editor: ["schemas"],
};

/**
 * Named exceptions, "file -> imported path". The editor's upload-field test checks its helpers
 * against the asset.source node's real config schema (in the app that schema arrives through the
 * API's catalog). Cross-layer flows (node + engine + services + server) live in test/integration/.
 */
const KNOWN: string[] = [];

const SKIP = new Set(["node_modules", "dist", ".git"]);

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) sources(rel, out);
    else if (/\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** Relative import specifiers of a source text, resolved to repo paths. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)));
  }
  return out;
}

/** Whether `file` (repo path) may import `target` (repo path). */
export function allowed(file: string, target: string): boolean {
  const own = file.split("/")[0]!;
  const layer = target.split("/")[0]!;
  if (layer === own) return true;
  // The editor's browser tests drive the built server; they are test code.
  if (file.startsWith("editor/e2e/")) return true;
  const may = MAY_IMPORT[own];
  if (!may) return true;
  if (may.includes(layer)) return true;
  // A test beside the code may use the shared harnesses.
  return layer === "test" && /\.test\.tsx?$/.test(file);
}

function violations(): string[] {
  const out: string[] = [];
  for (const top of Object.keys(MAY_IMPORT)) {
    if (!fs.existsSync(path.join(root, top))) continue;
    for (const file of sources(top)) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const target of new Set(importsOf(file, text))) if (!allowed(file, target)) out.push(`${file} -> ${target}`);
    }
  }
  return out.sort();
}

/**
 * Import circles among product modules (tests excluded) that are still there. A circle makes load
 * order matter and hides which module owns what; the 9-file one through server/runtime.ts's
 * Service type is gone (server/background/loop.ts), and so are the node contract <-> providers one
 * (nodes/providers/kinds.ts) and cli.ts <-> commands/run.ts (server/commands/read-json.ts). Each
 * entry is the circle's files, sorted; the list only shrinks.
 */
const KNOWN_CYCLES: string[][] = [];

/** Strongly connected components of more than one file in the import graph of `files` (Tarjan). */
export function importCycles(files: string[], read: (file: string) => string): string[][] {
  const present = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const out: string[] = [];
    for (const target of importsOf(file, read(file))) {
      const base = target.replace(/\.js$/, "");
      const hit = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((c) => present.has(c));
      if (hit) out.push(hit);
    }
    edges.set(file, out);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

describe("layers", () => {
  const found = violations();

  it("no file imports a layer above its own, beyond the named exceptions", () => {
    expect(found.filter((v) => !KNOWN.includes(v))).toEqual([]);
  });

  it("every named exception still exists (the list only shrinks)", () => {
    expect(KNOWN.filter((v) => !found.includes(v))).toEqual([]);
  });

  it("route modules do not import each other (what they share lives beside them in server/)", () => {
    const routes = sources("server/routes").filter((f) => !/\.test\.tsx?$/.test(f));
    const crossing = routes.flatMap((file) =>
      importsOf(file, fs.readFileSync(path.join(root, file), "utf8"))
        .filter((t) => t.startsWith("server/routes/"))
        .map((t) => `${file} -> ${t}`),
    );
    expect(crossing).toEqual([]);
  });

  it("no import circle among product modules beyond the named ones", () => {
    const product = ["schemas", "lib", "nodes", "engine", "services", "server", "db"]
      .filter((top) => fs.existsSync(path.join(root, top)))
      .flatMap((top) => sources(top))
      .filter((f) => !/\.test\.tsx?$/.test(f));
    const cycles = importCycles(product, (f) => fs.readFileSync(path.join(root, f), "utf8"));
    const known = new Set(KNOWN_CYCLES.map((c) => c.join(" ")));
    expect(cycles.map((c) => c.join(" ")).filter((c) => !known.has(c))).toEqual([]);
  });

  it("no node module reads the environment: settings come in through providers and ctx.secrets", () => {
    const readers = sources("nodes")
      .filter((f) => !/\.test\.tsx?$/.test(f))
      .filter((f) => /process\.env\b/.test(fs.readFileSync(path.join(root, f), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")));
    expect(readers).toEqual([]);
  });

  it("the cycle finder finds a circle and only a circle", () => {
    const text: Record<string, string> = {
      "server/a.ts": `import { b } from "./b.js";`,
      "server/b.ts": `import { c } from "./c/index.js";`,
      "server/c/index.ts": `import type { a } from "../a.js";`,
      "server/d.ts": `import { a } from "./a.js";`,
    };
    expect(importCycles(Object.keys(text), (f) => text[f]!)).toEqual([["server/a.ts", "server/b.ts", "server/c/index.ts"]]);
  });

  it("the rule itself catches an upward import", () => {
    expect(allowed("engine/worker.ts", "services/storage.js")).toBe(false);
    expect(allowed("nodes/qa-gate/definition.ts", "engine/runs.js")).toBe(false);
    expect(allowed("lib/media/probe.ts", "nodes/contract.js")).toBe(false);
    expect(allowed("editor/src/App.tsx", "server/app.js")).toBe(false);
    expect(allowed("server/runtime.ts", "services/storage.js")).toBe(true);
    expect(allowed("engine/compile.test.ts", "test/graphs.js")).toBe(true);
    expect(allowed("engine/worker.ts", "test/db.js")).toBe(false);
    expect(importsOf("engine/a.ts", `import { x } from "../services/b.js";\nconst y = await import("./c.js");`)).toEqual([
      "services/b.js",
      "engine/c.js",
    ]);
  });
});
