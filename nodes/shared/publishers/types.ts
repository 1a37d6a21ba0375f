/** What a platform adapter is given, and what it returns. */
import type { SecretReader } from "../../types.js";
import type { PublicationLedger, PublicationRecord, PublishChannel, PublishRequest } from "./ledger.js";

export interface PlatformEndpoints {
  instagramGraph: string;
  instagramUpload: string;
  youtubeUpload: string;
  youtubeApi: string;
  youtubeAnalytics: string;
  tiktokApi: string;
  publicUrl: string;
}

/** Platform base URLs from the environment (tests point them at local fakes), defaulting to the real APIs. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformEndpoints {
  const trim = (v: string) => v.replace(/\/+$/, "");
  return {
    instagramGraph: trim(env.INSTAGRAM_GRAPH_URL || "https://graph.facebook.com/v21.0"),
    instagramUpload: trim(env.INSTAGRAM_UPLOAD_URL || "https://rupload.facebook.com/ig-api-upload/v21.0"),
    youtubeUpload: trim(env.YOUTUBE_UPLOAD_URL || "https://www.googleapis.com/upload/youtube/v3"),
    youtubeApi: trim(env.YOUTUBE_API_URL || "https://www.googleapis.com/youtube/v3"),
    youtubeAnalytics: trim(env.YOUTUBE_ANALYTICS_URL || "https://youtubeanalytics.googleapis.com/v2"),
    tiktokApi: trim(env.TIKTOK_API_URL || "https://open.tiktokapis.com"),
    // Only this process's view: publishing replaces it with the ledger's publicUrl(), which the server and workers share.
    publicUrl: trim(env.GENJED_PUBLIC_URL || `http://localhost:${env.PORT || 4280}`),
  };
}

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
