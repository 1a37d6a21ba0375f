export * from "./connect.js";
export * from "./migrate.js";
export * from "./embedded.js";
