import type { ServerDeps } from "../deps.js";

/**
 * A background loop started with the runtime (trigger scheduler, publish scheduler, review
 * deadlines, alert evaluation). Declared here rather than in runtime.ts so the loops and the
 * feature list do not import the composition root that imports them.
 */
export type BackgroundLoop = (deps: ServerDeps) => Promise<{ stop(): Promise<void> }>;
