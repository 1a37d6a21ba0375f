/** Helpers for trigger tests: a fake clock, and saved graphs with a version to run. */
import type { Database } from "../db/index.js";
import { createGraph, createVersion } from "../services/graphs.js";
import type { TriggerEnv } from "../services/triggers/env.js";
import type { NodeRegistry } from "../nodes/registry.js";
import type { GraphDocument, GraphDocumentInput } from "../schemas/index.js";
import { systemScope } from "../lib/scope.js";

/** A clock tests set and advance; triggers read time only through it. */
export class FakeClock {
  private t: Date;
  constructor(start: string | Date) {
    this.t = new Date(start);
  }
  readonly now = () => new Date(this.t);
  set(at: string | Date): this {
    this.t = new Date(at);
    return this;
  }
  advance(ms: number): this {
    this.t = new Date(this.t.getTime() + ms);
    return this;
  }
}

/** `extra`: a secrets key (webhook triggers need one), a log, a run-started hook. */
export function triggerTestEnv(database: Database, registry: NodeRegistry, clock: FakeClock, extra: Partial<TriggerEnv> = {}): TriggerEnv {
  return { database, registry, now: clock.now, ...extra };
}

/** A saved graph with one saved version (what triggers run). */
export async function savedGraph(database: Database, document: GraphDocumentInput): Promise<{ graphId: string; versionId: string }> {
  const g = await createGraph(database, { document: document as GraphDocument });
  const v = (await createVersion(database, g.id, g.document, systemScope("test helper: a version of a graph it just made"), "v1"))!;
  return { graphId: g.id, versionId: v.id };
}

/** The products the demo catalogue ships, as inline rows a webhook or feed would send. */
export const demoProduct = (id: string, price = 29) => ({
  id,
  name: `Product ${id}`,
  price,
  currency: "EUR",
  images: ["examples/demo-catalog/images/aurora-bottle.png"],
});
