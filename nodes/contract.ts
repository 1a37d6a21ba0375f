import type { z } from "zod";
import type { MediaRef, PortSpec, PortValueSchemas } from "../schemas/index.js";
import type { FileResolver } from "../lib/files/index.js";
import type { OutboundOptions, OutboundResponse } from "../lib/net/index.js";
import type { Providers } from "./providers/kinds.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Content-addressed media store handed to nodes. Identical bytes are stored once. */
export interface MediaStorage {
  /** Store bytes or a file (moved/copied in) and return its reference, probed for width/height/duration/codecs. */
  put(data: Buffer | { path: string }, opts: { mime: string; meta?: Record<string, unknown> }): Promise<MediaRef>;
  /** Absolute path of a stored blob, for ffmpeg and friends. */
  path(hash: string): string;
  read(hash: string): Promise<Buffer>;
  /** A scratch directory removed when the node finishes. */
  tempDir(): Promise<string>;
}

export interface SecretReader {
  /** A secret by name (workspace secret first, then the environment). Never log what it returns. */
  get(name: string): string | undefined;
}

/** Returned by `ctx.suspend()`: the node waits (human review) until the engine is told how it ended. */
export interface Suspension {
  readonly __suspend: true;
  payload: Record<string, unknown>;
}

export interface NodeContext {
  runId: string;
  nodeId: string;
  /** Fan-out item path, "" when the node is not mapped. */
  item: string;
  /** 1-based attempt within the current provider stage. */
  attempt: number;
  /** Stable across retries of the same work: use it for side effects (publishing, paid calls). */
  idempotencyKey: string;
  log(message: string, level?: LogLevel): void;
  /** Report progress 0..1 (throttled by the engine before it is persisted). */
  progress(fraction: number): void;
  /** Record money spent (USD) with a short description ("flux-schnell x1"). */
  cost(usd: number, detail: string): void;
  storage: MediaStorage;
  signal: AbortSignal;
  provider<K extends keyof Providers>(kind: K): Providers[K];
  secrets: SecretReader;
  /**
   * Every file path a user supplied (catalogue, images, logo) goes through this: uploads of the
   * run's workspace or files inside examples/, anything else is refused with PATH_NOT_ALLOWED.
   */
  files: FileResolver;
  /**
   * Every request to a URL a user supplied goes through this guard (public addresses only, unless
   * GENJED_OUTBOUND_ALLOW lists the host; redirects re-checked). Operator-configured endpoints use plain fetch.
   */
  fetch(url: string, o: Omit<OutboundOptions, "allow">): Promise<OutboundResponse>;
  /** Pause this item (state `waiting`); the engine resumes it when a decision arrives. */
  suspend(payload: Record<string, unknown>): Suspension;
  /**
   * What this item checkpointed in an earlier attempt (a crash, a retry), or null. Long remote
   * jobs (a paid prediction) read it to resume the job they started instead of starting another.
   */
  resumeState: Record<string, unknown> | null;
  /**
   * Store `state` with the item, committed before it resolves; replaces the previous checkpoint.
   * The costs recorded so far (ctx.cost) are committed in the same transaction, so a checkpoint
   * that says "billed" never exists without its cost, whatever happens to the worker next.
   */
  checkpoint(state: Record<string, unknown>): Promise<void>;
}

/** Inputs of a node whose ports are not known statically (the engine's view of any node). */
export type NodeInputs = Record<string, unknown>;

/** What one port's value parses to: its own `schema` if it declares one, else its type's schema. */
export type PortValueOf<P extends PortSpec> = P extends { schema: infer S extends z.ZodType } ? z.output<S> : z.output<PortValueSchemas[P["type"]]>;

/** A list port always arrives as a list; a skipped upstream item leaves a null at its position. */
type InputValueOf<P extends PortSpec> = P extends { list: true } ? (PortValueOf<P> | null)[] : PortValueOf<P>;

/**
 * The typed inputs `run()` receives for declared ports (nodes/inputs.ts parses them so): each port
 * by name, an optional one possibly undefined. Ports not known statically give NodeInputs.
 */
export type InputsOf<I extends readonly PortSpec[]> = string extends I[number]["name"]
  ? NodeInputs
  : Flat<
      { [P in I[number] as P extends { required: false } ? never : P["name"]]: InputValueOf<P> } & {
        [P in I[number] as P extends { required: false } ? P["name"] : never]?: InputValueOf<P>;
      }
    >;
type Flat<T> = { [K in keyof T]: T[K] };
export type NodeOutputs = Record<string, unknown>;

export interface NodeEstimate {
  usd: number;
  seconds: number;
}

/**
 * One node type. The zod `config` schema is the single source of truth: the editor's form,
 * the compiler's validation and the parsed config handed to `run()` all come from it.
 */
export interface NodeDefinition<C extends z.ZodType = z.ZodType, I extends readonly PortSpec[] = readonly PortSpec[]> {
  type: string;
  /** Bump when outputs for the same inputs change: part of the cache key. */
  version: number;
  title: string;
  category: string;
  description: string;
  inputs: I;
  outputs: PortSpec[];
  config: C;
  /**
   * A config the registry checks the definition with (it must parse, and estimate() must run on
   * it). Default: `{}`, so every field needs a default unless the node names an example here.
   */
  exampleConfig?: z.input<C>;
  /** Whether a run may cost money for this config (checked against the budget before it starts). */
  paid?: (config: z.infer<C>) => boolean;
  /** Providers this node can use, first is the default (shown in the editor). */
  providers?: string[];
  /** Cost and time of one execution (one fan-out item) before it runs. */
  estimate(config: z.infer<C>): NodeEstimate;
  /** How many items a list output will hold, when the config tells (used for fan-out estimates). */
  listSizeHint?(config: z.infer<C>): number | undefined;
  /**
   * The fallback chain: configs to try, in order, after retries of the previous one are exhausted.
   * The first entry is the config itself. Default: just the config.
   */
  fallbacks?(config: z.infer<C>): z.infer<C>[];
  /** Whether a result may be reused from the cache (false for side effects like publishing). Default true. */
  cacheable?: boolean;
  /**
   * The secrets this node may read through ctx.secrets (shown in the editor as "needs ..."); reading
   * any other name is a programming error the engine throws on. A list when the names are fixed, or a
   * function of the (stage) config when the config chooses a name (publish's webhook.secretName): the
   * engine evaluates it on the config it runs with, the catalogue on the default config. Default: none.
   */
  secrets?: readonly string[] | ((config: z.infer<C>) => readonly string[]);
  /**
   * How long one attempt may take (ms). Past it the engine aborts ctx.signal and fails the attempt
   * as NODE_TIMEOUT, retried like any transient failure. Default: DEFAULT_NODE_TIMEOUT_MS.
   */
  timeoutMs?: number;
  /**
   * The provider (concurrency-limit key, recorded with the item) a config selects, or null. The
   * engine asks this and never reads the config itself. Default: none.
   */
  providerOf?(config: z.infer<C>): string | null;
  /** Inputs and config arrive parsed (their schemas' output types): a node never re-checks them. */
  run(inputs: InputsOf<I>, config: z.infer<C>, ctx: NodeContext): Promise<NodeOutputs | Suspension>;
}

/**
 * Keeps the config type and the declared input ports flowing into estimate()/run() without
 * repeating generics: `inputs` is inferred as written (a const type parameter), so run() sees
 * `inputs.clips` as `(MediaRef | null)[]` and `inputs.brand` as `Brand | undefined`.
 */
export function defineNode<C extends z.ZodType, const I extends readonly PortSpec[]>(def: NodeDefinition<C, I>): NodeDefinition<C, I> {
  return def;
}

/** An attempt of a node that declares no timeoutMs may run this long (ms). */
export const DEFAULT_NODE_TIMEOUT_MS = 30 * 60_000;

/** The secret names a node may read with this config (its declaration, evaluated). */
export function declaredSecrets(def: Pick<NodeDefinition<any, any>, "secrets">, config: unknown): readonly string[] {
  if (!def.secrets) return [];
  return typeof def.secrets === "function" ? def.secrets(config) : def.secrets;
}

/** A reader that hands out only the declared names and throws UndeclaredSecretError for any other. */
export function declaredSecretReader(nodeType: string, declared: readonly string[], inner: SecretReader): SecretReader {
  const allowed = new Set(declared);
  return {
    get(name) {
      if (!allowed.has(name)) throw new UndeclaredSecretError(nodeType, name, declared);
      return inner.get(name);
    },
  };
}

export function isSuspension(v: unknown): v is Suspension {
  return typeof v === "object" && v !== null && (v as Suspension).__suspend === true;
}

/** Thrown by a node for a failure that retrying cannot fix (bad input): skips retries and fallbacks. */
export class PermanentNodeError extends Error {
  constructor(
    message: string,
    readonly code = "NODE_INPUT_INVALID",
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "PermanentNodeError";
  }
}

/**
 * Thrown when a node reads a secret it did not declare: a bug in the node, not a missing secret,
 * so it is permanent (no retry fixes it).
 */
export class UndeclaredSecretError extends PermanentNodeError {
  constructor(
    readonly nodeType: string,
    readonly secret: string,
    readonly declared: readonly string[],
  ) {
    super(
      `node type ${nodeType} read the secret "${secret}" without declaring it (declared: ${declared.length ? declared.join(", ") : "none"}); add it to the definition's secrets`,
      "SECRET_NOT_DECLARED",
      { nodeType, secret, declared: [...declared] },
    );
    this.name = "UndeclaredSecretError";
  }
}
