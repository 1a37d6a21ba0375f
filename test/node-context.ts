/**
 * A real NodeContext for node tests: real content-addressed storage on a temp folder backed by a
 * real migrated PostgreSQL (createTestDatabase), the real local provider, and logs/costs/progress
 * collected so tests can assert on them. Only test files import this module.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { filesForWorkspace } from "../engine/files.js";
import { createMediaStorage, type WorkerMediaStorage } from "../services/storage.js";
import { outboundRequest } from "../lib/net/index.js";
import { createTestDatabase, type TestDatabase } from "./db.js";
import { createLocalProvider } from "../nodes/providers/local/index.js";
import type { Providers } from "../nodes/providers/index.js";
import type { GenerationProvider } from "../nodes/providers/types.js";
import { parseInputs } from "../nodes/inputs.js";
import { declaredSecretReader, declaredSecrets, PermanentNodeError, type LogLevel, type NodeContext, type NodeDefinition, type NodeOutputs, type SecretReader } from "../nodes/contract.js";

export interface NodeTestHarness {
  db: TestDatabase;
  storage: WorkerMediaStorage;
  root: string;
  /** The workspace the harness's contexts read uploads of (a workspace of its own). */
  workspaceId: string;
  /** Store bytes as an upload of `workspaceId` (default: the harness's) and return its `upload:<sha256>` reference. */
  upload(data: Buffer, mime: string, workspaceId?: string): Promise<string>;
  /** A further workspace, for checking one workspace cannot read another's uploads. */
  createWorkspace(name: string): Promise<string>;
  logs: { level: LogLevel; message: string }[];
  costs: { usd: number; detail: string }[];
  progress: number[];
  /** A context as the engine would build it for one execution. */
  /**
   * A context as the engine would build it for one execution. With `def` (and its config), ctx.secrets
   * hands out only the secrets the node declares and throws SECRET_NOT_DECLARED for others, as the engine does.
   */
  ctx(overrides?: Partial<NodeContext>, def?: { def: NodeDefinition<any, any>; config: unknown }): NodeContext;
  /**
   * Parse `config` with the node's schema (defaults applied, as the compiler does) and `inputs`
   * against the node's ports (as the engine does: a wrong value throws PORT_VALUE_INVALID), then run it.
   */
  run<D extends NodeDefinition<any, any>>(def: D, inputs: Record<string, unknown>, config?: unknown, overrides?: Partial<NodeContext>): Promise<NodeOutputs>;
  close(): Promise<void>;
}

export interface NodeTestHarnessOptions {
  /** Providers other than local (e.g. replicate pointed at a local fake server), built per context. */
  providers?: Partial<{ [K in keyof Providers]: (ctx: NodeContext) => GenerationProvider }>;
  secrets?: Record<string, string>;
}

export async function createNodeTestHarness(opts: NodeTestHarnessOptions = {}): Promise<NodeTestHarness> {
  const db = await createTestDatabase();
  const root = await mkdtemp(path.join(os.tmpdir(), "genjed-nodes-test-"));
  const storage = createMediaStorage({ root: path.join(root, "media"), sql: db.sql, tempRoot: root });
  const logs: NodeTestHarness["logs"] = [];
  const costs: NodeTestHarness["costs"] = [];
  const progress: number[] = [];
  let counter = 0;
  const checkpoints = new Map<string, Record<string, unknown>>();
  const createWorkspace = async (name: string) => {
    const [w] = await db.sql<{ id: string }[]>`insert into workspaces (name) values (${name}) returning id`;
    return w.id;
  };
  const workspaceId = await createWorkspace("node tests");
  const files = filesForWorkspace(db.sql, storage, workspaceId);

  const ctx = (overrides: Partial<NodeContext> = {}, node?: { def: NodeDefinition<any, any>; config: unknown }): NodeContext => {
    const n = ++counter;
    const reader: SecretReader = { get: (name) => opts.secrets?.[name] };
    const context: NodeContext = {
      runId: "00000000-0000-4000-8000-000000000001",
      nodeId: `test-node-${n}`,
      item: "",
      attempt: 1,
      idempotencyKey: `test-run:test-node-${n}:`,
      log: (message, level = "info") => logs.push({ level, message }),
      progress: (f) => progress.push(f),
      cost: (usd, detail) => costs.push({ usd, detail }),
      storage,
      signal: new AbortController().signal,
      provider: ((kind: keyof Providers) => {
        if (kind === "local") return createLocalProvider(context);
        const make = opts.providers?.[kind];
        if (!make) throw new Error(`provider "${kind}" is not configured in this test harness`);
        return make(context);
      }) as NodeContext["provider"],
      secrets: node ? declaredSecretReader(node.def.type, declaredSecrets(node.def, node.config), reader) : reader,
      files,
      fetch: outboundRequest,
      suspend: (payload) => ({ __suspend: true, payload }),
      // Like the engine's: a checkpoint is what the next attempt with the same key resumes from.
      resumeState: checkpoints.get(overrides.idempotencyKey ?? `test-run:test-node-${n}:`) ?? null,
      async checkpoint(state) {
        context.resumeState = state;
        checkpoints.set(context.idempotencyKey, state);
      },
      ...overrides,
    };
    return context;
  };

  return {
    db,
    storage,
    root,
    workspaceId,
    async upload(data, mime, ws = workspaceId) {
      const ref = await storage.put(data, { mime });
      await db.sql`insert into media_workspaces (hash, workspace_id) values (${ref.hash}, ${ws}) on conflict do nothing`;
      return `upload:${ref.hash}`;
    },
    createWorkspace,
    logs,
    costs,
    progress,
    ctx,
    async run(def, inputs, config = {}, overrides) {
      const parsed = def.config.parse(config);
      const values = parseInputs(def.inputs, inputs);
      if (!values.ok) {
        throw new PermanentNodeError(`input ${values.issues.map((i) => i.message).join("; ")}`, "PORT_VALUE_INVALID", { port: values.issues[0].port, issues: values.issues });
      }
      const out = await def.run(values.inputs, parsed, ctx(overrides, { def, config: parsed }));
      return out as NodeOutputs;
    },
    async close() {
      await db.drop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
