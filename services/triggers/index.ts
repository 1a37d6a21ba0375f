/** Triggers: cron, one-off schedules, webhooks and polled conditions that start runs of saved graphs; the content calendar. */
export * from "./env.js";
export * from "./cron.js";
export * from "./schedule.js";
export * from "./inputs.js";
export * from "./store.js";
export * from "./fires.js";
export * from "./webhook.js";
export * from "./webhook-secret.js";
export * from "./condition.js";
export * from "./feed.js";
export * from "./scheduler.js";
export * from "./calendar.js";
export * from "./content-plan.js";
export * from "./zones.js";
