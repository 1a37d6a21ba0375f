/** What a platform adapter is given, and what it returns. */
import type { SecretReader } from "../../contract.js";
import type { PublicationLedger, PublicationRecord, PublishChannel, PublishRequest } from "./ledger.js";

// The endpoints live in their own module (no imports) so nodes/providers/kinds.ts can name them
// without importing this file, which imports the node contract (nodes/contract.ts) that imports kinds.ts.
import type { PlatformEndpoints } from "./endpoints.js";
export { endpointsFromEnv, type PlatformEndpoints } from "./endpoints.js";

export interface AdapterContext {
  /** The ledger record, with the platform state of earlier attempts to resume from. */
  record: PublicationRecord;
  request: PublishRequest;
  /** Absolute path of the (prepared) media file. */
  file: string;
  ledger: PublicationLedger;
  secrets: SecretReader;
  endpoints: PlatformEndpoints;
  log(message: string): void;
  signal: AbortSignal;
  /** How often to poll a platform's processing status, and for how long at most. */
  pollMs: number;
  timeoutMs: number;
  /** Which delivery this is: 1 the first, more when earlier attempts claimed the record (ledger.claim). */
  delivery: number;
}

export interface PublishResult {
  platformId: string;
  url: string | null;
  /** When it goes (or went) live, if not now (a natively scheduled post). */
  publishedAt?: string;
}

export interface PlatformAdapter {
  channel: PublishChannel;
  /** The platform itself holds a post until its time (YouTube publishAt); otherwise our scheduler does. */
  schedulesNatively: boolean;
  publish(a: AdapterContext): Promise<PublishResult>;
  /**
   * After an earlier attempt claimed the record and left no result (a crash mid-request): look the
   * post up on the platform from what was checkpointed. A post found is recorded as published and
   * never posted again; null means the platform has none, and publish() resumes or posts.
   * Channels without one (webhook) redeliver with `delivery` > 1 instead.
   */
  reconcile?(a: Omit<AdapterContext, "delivery">): Promise<PublishResult | null>;
}

/** How many earlier attempts claimed the record (sent, or may have sent, requests). */
export const claimsOf = (record: PublicationRecord) => Number(record.platformState.claims ?? 0);

/** A credential from secrets, or a clear error naming the secret (never its value). */
export function requireSecret(secrets: SecretReader, name: string, channel: PublishChannel): string {
  const v = secrets.get(name);
  if (!v) throw new MissingSecretError(`${channel} needs the secret ${name} (add it to the workspace secrets or the environment)`);
  return v;
}

export class MissingSecretError extends Error {
  readonly code = "MISSING_SECRET";
}
