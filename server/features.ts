/**
 * Feature route modules and background services, in one list so each feature adds one line here
 * instead of editing the app or the runtime.
 */
import type { RouteModule } from "./app.js";
import type { Service } from "./runtime.js";

export const features: RouteModule[] = [];
export const services: Service[] = [];
