/**
 * Our own content library: publishing is recording the item (its public page and the JSON/RSS feeds
 * read the ledger), so it works offline. A scheduled item is published with its future time and
 * appears on the page and in the feeds from then on.
 */
import type { AdapterContext, PlatformAdapter } from "./types.js";

export const libraryAdapter: PlatformAdapter = {
  channel: "library",
  schedulesNatively: true,
  async publish(a: AdapterContext) {
    const at = a.request.scheduleAt && Date.parse(a.request.scheduleAt) > Date.now() ? new Date(a.request.scheduleAt).toISOString() : undefined;
    return { platformId: a.record.id, url: await a.ledger.libraryUrl(a.record.id), ...(at ? { publishedAt: at } : {}) };
  },
};
