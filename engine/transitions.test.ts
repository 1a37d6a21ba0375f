/**
 * The run state machine has one owner: only engine/transitions.ts writes runs, run_nodes and
 * node_runs (status, timestamps, attempt and item counters, costs). A grep over the product's
 * sources, like test/layers.test.ts does for imports: a second writer would let a status change
 * skip its event or the lock order.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, sourcesMatching } from "../test/source-files.js";

/** An insert, update or delete of one of the state machine's tables, however the SQL is wrapped. */
const WRITE = /\b(?:update|insert\s+into|delete\s+from)\s+(?:runs|run_nodes|node_runs)\b/gi;

const OWNER = "engine/transitions.ts";

/**
 * Named exceptions, "file: statement". Claiming runs that predate workspaces for the first
 * workspace moves no run through a state (server/auth/owner.ts).
 */
const KNOWN = ["server/auth/owner.ts: update runs set workspace_id"];

async function writers(): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sourcesMatching(/\b(?:runs|run_nodes|node_runs)\b/)) {
    if (file === OWNER || !/^(engine|services|server|nodes|lib|db)\//.test(file)) continue;
    const text = await readFile(path.join(REPO_ROOT, file), "utf8");
    for (const m of text.matchAll(WRITE)) {
      const statement = text.slice(m.index, m.index + 60).split("\n")[0].replace(/\s+/g, " ");
      const where = `${file}: ${statement}`;
      if (!KNOWN.some((k) => where.startsWith(k))) found.push(where);
    }
  }
  return found;
}

describe("run state transitions", () => {
  it("are written only by engine/transitions.ts", async () => {
    expect(await writers()).toEqual([]);
  });

  it("the check sees a write wrapped over lines", () => {
    const sample = "await tx`\n  update  node_runs\n  set status = 'queued'`; insert into run_nodes (run_id) values (1); delete from runs where";
    expect([...sample.matchAll(WRITE)].length).toBe(3);
    expect([..."update runs_archive set x; select * from node_runs".matchAll(WRITE)].length).toBe(0);
  });
});
