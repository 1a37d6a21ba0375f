export * from "./ports.js";
export * from "./graph.js";
export * from "./run.js";
export * from "./events.js";
export * from "./catalog.js";
export * from "./api.js";
export * from "./compile.js";
export * from "./content.js";
