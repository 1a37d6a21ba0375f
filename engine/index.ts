export * from "./compile.js";
export * from "./runs.js";
export * from "./worker.js";
export * from "./events.js";
export type { ProviderFactory } from "./executor.js";
export { envSecrets } from "./secrets.js";
