/**
 * Publish one ledger record through its channel's adapter: used by publish.channel and by the
 * scheduler service for posts whose time has come. A published record is returned as it is.
 */
import type { SecretReader } from "../../contract.js";
import { ADAPTERS } from "./index.js";
import { PlatformError } from "./http.js";
import type { PublicationLedger, PublicationRecord } from "./ledger.js";
import { claimsOf, MissingSecretError, type PlatformEndpoints } from "./types.js";

export interface PublishDeps {
  ledger: PublicationLedger;
  secrets: SecretReader;
  endpoints: PlatformEndpoints;
  /** Absolute path of a stored media blob. */
  mediaPath(hash: string): string;
  log(message: string): void;
  signal: AbortSignal;
  pollMs: number;
  timeoutMs: number;
}

/**
 * Returns the record as it ended: published, scheduled (left to the scheduler) or failed (the
 * platform refused: its error is on the record). Throws a retryable PlatformError when trying
 * again later may succeed (rate limit, 5xx, network): the record stays pending and resumes then.
 */
export async function publishRecord(record: PublicationRecord, d: PublishDeps): Promise<PublicationRecord> {
  if (record.status === "published") return record;
  const adapter = ADAPTERS[record.channel];
  const req = record.request;
  const future = req.scheduleAt !== null && Date.parse(req.scheduleAt) > Date.now();
  if (future && !adapter.schedulesNatively) return d.ledger.schedule(record.id, req.scheduleAt!);
  const a = {
    record,
    request: req,
    file: d.mediaPath(req.media.hash),
    ledger: d.ledger,
    secrets: d.secrets,
    endpoints: d.endpoints,
    log: d.log,
    signal: d.signal,
    pollMs: d.pollMs,
    timeoutMs: d.timeoutMs,
  };
  try {
    if (claimsOf(record) > 0 && adapter.reconcile) {
      // An earlier attempt sent requests and recorded no result: ask the platform before posting.
      const found = await adapter.reconcile(a);
      if (found) {
        d.log(`${record.channel}: the post of an earlier attempt is on the platform (id ${found.platformId}); recorded it instead of posting again`);
        return await d.ledger.complete(record.id, found);
      }
    }
    // Committed before the first request leaves: a crash from here on is seen by the next attempt.
    const delivery = await d.ledger.claim(record.id);
    const result = await adapter.publish({ ...a, record: { ...record, platformState: { ...record.platformState, claims: delivery } }, delivery });
    return await d.ledger.complete(record.id, result);
  } catch (err) {
    if (err instanceof MissingSecretError) return d.ledger.fail(record.id, { code: err.code, message: err.message, retryable: false });
    if (!(err instanceof PlatformError)) throw err;
    if (err.retryable) {
      await d.ledger.noteError(record.id, err.toRecord());
      throw err;
    }
    return d.ledger.fail(record.id, err.toRecord());
  }
}
