/**
 * The publication ledger as nodes see it (ctx.provider("publications")): nodes never touch the
 * database, so the publisher records its intent and each platform step through this interface,
 * implemented on PostgreSQL by services/publications.ts.
 *
 * The contract, per run/node/item/channel (the idempotency key):
 *  1. begin() before any platform call: the row (keyed by the idempotency key) exists first;
 *  2. claim() right before the adapter sends anything, committed: a later attempt that finds a
 *     claim without a result knows a request may have reached the platform, and reconciles
 *     (social platforms: looks the post up there) or redelivers with a redelivery header (webhook);
 *  3. checkpoint() after every platform step that creates something (container, upload session,
 *     publish id), so a retry resumes that object instead of creating a second post;
 *  4. complete()/fail() at the end. A record that is `published` is never published again.
 */
import type { MediaRef } from "../../../schemas/index.js";

export const PUBLISH_CHANNELS = ["instagram_reels", "youtube_shorts", "tiktok", "library", "webhook"] as const;
export type PublishChannel = (typeof PUBLISH_CHANNELS)[number];

/**
 * pending: intent recorded, a publish attempt may be under way (the node resumes it);
 * scheduled: waiting for its time; publishing: the scheduler is publishing it now (the node leaves
 * it alone); published; failed (the platform refused; a retry tries again).
 */
export type PublicationStatus = "pending" | "scheduled" | "publishing" | "published" | "failed";

export interface PublicationFormat {
  aspectRatio?: string;
  width?: number;
  height?: number;
  durationSec?: number;
}

/** What to publish: enough to replay it later (the scheduler publishes due items from this). */
export interface PublishRequest {
  channel: PublishChannel;
  media: MediaRef;
  caption: string;
  hashtags: string[];
  title: string;
  product?: { id: string; name: string; price?: number; currency?: string; url?: string };
  /** Channel settings from the node config (privacy, account, webhook URL...). */
  settings: Record<string, unknown>;
  /** ISO time, or null for now. */
  scheduleAt: string | null;
  format: PublicationFormat;
}

export interface PublicationError {
  code: string;
  message: string;
  /** The platform said to try again later (rate limit, 5xx, network). */
  retryable: boolean;
  status?: number;
  platform?: unknown;
}

export interface PublicationRecord {
  id: string;
  idempotencyKey: string;
  channel: PublishChannel;
  status: PublicationStatus;
  request: PublishRequest;
  platformState: Record<string, unknown>;
  platformId: string | null;
  url: string | null;
  error: PublicationError | null;
  attempts: number;
  scheduledAt: string | null;
  publishedAt: string | null;
  createdAt: string;
}

export interface PublicationIntent {
  channel: PublishChannel;
  runId: string | null;
  nodeId: string | null;
  item: string | null;
  request: PublishRequest;
}

export interface PublicationLedger {
  /** The record for this key, if an earlier attempt made one. */
  find(idempotencyKey: string): Promise<PublicationRecord | null>;
  /** Record the intent, or return the record already there for this key (attempts counted). */
  begin(idempotencyKey: string, intent: PublicationIntent): Promise<PublicationRecord>;
  /**
   * Record (committed) that a publish attempt is about to send its requests; returns how many
   * attempts have claimed the record, this one included (1 = the first delivery).
   */
  claim(id: string): Promise<number>;
  /** Merge platform state (ids, session URLs) into the record: call right after the platform returns it. */
  checkpoint(id: string, state: Record<string, unknown>): Promise<void>;
  complete(id: string, result: { platformId: string; url: string | null; publishedAt?: string }): Promise<PublicationRecord>;
  /** A failure the platform will not change its mind about: the record ends `failed`. */
  fail(id: string, error: PublicationError): Promise<PublicationRecord>;
  /** A transient failure: the record stays `pending` (a retry resumes it); the error is kept for display. */
  noteError(id: string, error: PublicationError): Promise<void>;
  /** Leave it to the scheduler: published at `at` by the publish scheduler service. */
  schedule(id: string, at: string): Promise<PublicationRecord>;
  /** Where our server is reachable from outside, as the server and every worker agree (services/public-url.ts). */
  publicUrl(): Promise<string>;
  /** Public URL of a library item (the library page). */
  libraryUrl(id: string): Promise<string>;
}
