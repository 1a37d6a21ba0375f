import { TriggerScheduler } from "../../services/triggers/index.js";
import { triggerEnv } from "../trigger-context.js";
import type { BackgroundLoop } from "./loop.js";

/** The scheduler in `genjed start` (any number of processes may run it against one database). */
export const triggerLoop: BackgroundLoop = async (deps) => {
  const scheduler = new TriggerScheduler(triggerEnv(deps));
  scheduler.start({ hub: deps.hub });
  return { stop: () => scheduler.stop() };
};
