import { instagramAdapter } from "./instagram.js";
import type { PublishChannel } from "./ledger.js";
import { libraryAdapter } from "./library.js";
import { tiktokAdapter } from "./tiktok.js";
import type { PlatformAdapter } from "./types.js";
import { webhookAdapter } from "./webhook.js";
import { youtubeAdapter } from "./youtube.js";

/** One adapter per channel, each following its platform's real API flow. */
export const ADAPTERS: Record<PublishChannel, PlatformAdapter> = {
  instagram_reels: instagramAdapter,
  youtube_shorts: youtubeAdapter,
  tiktok: tiktokAdapter,
  library: libraryAdapter,
  webhook: webhookAdapter,
};
