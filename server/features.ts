/**
 * Feature route modules and background loops, in one list so each feature adds one line here
 * instead of editing the app or the runtime.
 */
import type { RouteModule } from "./app.js";
import type { BackgroundLoop } from "./background/loop.js";
import { calendarRoutes } from "./routes/calendar.js";
import { hookRoutes } from "./routes/hooks.js";
import { graphTriggerRoutes, triggerRoutes } from "./routes/triggers.js";
import { triggerLoop } from "./background/trigger-scheduler.js";
import { alertFeature } from "./routes/alerts.js";
import { libraryFeature } from "./routes/library.js";
import { reviewFeature } from "./routes/reviews.js";
import { uploadFeature } from "./routes/uploads.js";
import { alertEvaluator } from "./background/alert-evaluator.js";
import { publishScheduler } from "./background/publish-scheduler.js";
import { reviewDeadlines } from "./background/review-deadlines.js";

export const features: RouteModule[] = [graphTriggerRoutes, triggerRoutes, hookRoutes, calendarRoutes, reviewFeature, libraryFeature, alertFeature, uploadFeature];
export const backgroundLoops: BackgroundLoop[] = [triggerLoop, reviewDeadlines, publishScheduler, alertEvaluator];
