/** The product's TypeScript sources (tests, dependencies and builds left out), for "defined once" checks. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..");

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "dist") continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Repo-relative paths of the source files whose text matches `re`. */
export async function sourcesMatching(re: RegExp): Promise<string[]> {
  const out: string[] = [];
  for (const f of await walk(REPO_ROOT)) if (re.test(await readFile(f, "utf8"))) out.push(path.relative(REPO_ROOT, f));
  return out.sort();
}
