/**
 * Publishes scheduled posts whose time has come, for channels that cannot schedule themselves
 * (Instagram, TikTok, webhooks): publish.channel leaves them in the ledger as `scheduled` with the
 * full request. Claiming a due post marks it `publishing` under SKIP LOCKED, so several servers
 * (or a retry of the node) never take the same one; a transient platform error puts it back a
 * minute later, and a claim whose process died is taken over after a lease.
 */
import path from "node:path";
import { claimDuePublications, createPublicationLedger, publicUrlFromEnv } from "../../services/publications.js";
import { envSecrets } from "../../engine/secrets.js";
import { PlatformError } from "../../nodes/shared/publishers/http.js";
import { publishRecord } from "../../nodes/shared/publishers/publish-record.js";
import { endpointsFromEnv } from "../../nodes/shared/publishers/types.js";
import type { SecretReader } from "../../nodes/contract.js";
import { secretsForRun } from "../../services/secrets/workspace-secrets.js";
import type { BackgroundLoop } from "./loop.js";

export interface PublishSchedulerOptions {
  intervalMs?: number;
  /** Credentials for a run's posts; default: the run's workspace secrets (when the server has the key), then the environment. */
  secretsFor?: (runId: string | null) => SecretReader | Promise<SecretReader>;
  retryAfterMs?: number;
  pollMs?: number;
  log?: (m: string) => void;
}

export function publishSchedulerLoop(o: PublishSchedulerOptions = {}): BackgroundLoop {
  return async (deps) => {
    const { sql } = deps.database;
    const log = o.log ?? ((m: string) => console.log(m));
    const ledger = createPublicationLedger(sql, { publicUrl: deps.publicUrl ?? publicUrlFromEnv() });
    const abort = new AbortController();
    const key = deps.auth?.secretKey;
    const workspaceSecrets = key ? secretsForRun(deps.database, key) : null;
    const secretsFor =
      o.secretsFor ?? ((runId: string | null): SecretReader | Promise<SecretReader> => (runId && workspaceSecrets ? workspaceSecrets(runId) : envSecrets));
    let running: Promise<void> | null = null;

    const publishDue = async () => {
      for (const record of await claimDuePublications(sql)) {
        const [owner] = await sql<{ runId: string | null }[]>`select run_id as "runId" from publications where id = ${record.id}`;
        try {
          const done = await publishRecord(record, {
            ledger,
            secrets: await secretsFor(owner?.runId ?? null),
            endpoints: { ...endpointsFromEnv(process.env), publicUrl: await ledger.publicUrl() },
            mediaPath: (hash) => path.join(deps.mediaRoot, hash.slice(0, 2), hash),
            log: (m) => log(`publish scheduler: ${m}`),
            signal: abort.signal,
            pollMs: o.pollMs ?? 3_000,
            timeoutMs: 600_000,
          });
          log(`publish scheduler: ${record.channel} ${done.status}${done.url ? ` ${done.url}` : done.error ? `: ${done.error.message}` : ""}`);
        } catch (err) {
          if (!(err instanceof PlatformError)) throw err;
          const again = new Date(Date.now() + (err.retryAfterMs ?? o.retryAfterMs ?? 60_000)).toISOString();
          await ledger.schedule(record.id, again);
          log(`publish scheduler: ${record.channel}: ${err.message}; trying again at ${again}`);
        }
      }
    };
    const sweep = () => {
      running ??= publishDue()
        .catch((err) => log(`publish scheduler: ${(err as Error).message}`))
        .finally(() => {
          running = null;
        });
      return running;
    };
    const timer = setInterval(sweep, o.intervalMs ?? 10_000);
    timer.unref();
    void sweep();
    return {
      async stop() {
        clearInterval(timer);
        abort.abort();
        await running;
      },
    };
  };
}

export const publishScheduler = publishSchedulerLoop();
