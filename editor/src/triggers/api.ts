/** Client of the trigger, calendar and manual-run APIs (same error handling as the editor's client). */
import type { CalendarView, ContentPlanView, CronPreview, FireView, TriggerView } from "../../../schemas/triggers.js";
import { request } from "../api/client.js";

const enc = encodeURIComponent;

export type PlanAnswer = ContentPlanView & { channelOptions: string[] | null };

export const triggersApi = {
  list: (graphId: string) => request<TriggerView[]>("GET", `/api/graphs/${enc(graphId)}/triggers`),
  create: (graphId: string, body: Record<string, unknown>) => request<TriggerView>("POST", `/api/graphs/${enc(graphId)}/triggers`, body),
  update: (id: string, patch: Record<string, unknown>) => request<TriggerView>("PATCH", `/api/triggers/${enc(id)}`, patch),
  remove: (id: string) => request<unknown>("DELETE", `/api/triggers/${enc(id)}`),
  fires: (id: string, limit = 20) => request<FireView[]>("GET", `/api/triggers/${enc(id)}/fires?limit=${limit}`),
  rotateSecret: (id: string) => request<TriggerView>("POST", `/api/triggers/${enc(id)}/secret`),
  cronPreview: (expression: string, timezone: string, signal?: AbortSignal) =>
    request<CronPreview>("GET", `/api/triggers/cron-preview?expression=${enc(expression)}&timezone=${enc(timezone)}&count=5`, undefined, signal),
  calendar: (q: { start: string; days: number; timezone: string; channel?: string }) =>
    request<CalendarView>("GET", `/api/calendar?start=${q.start}&days=${q.days}&timezone=${enc(q.timezone)}${q.channel ? `&channel=${enc(q.channel)}` : ""}`),
  plan: (body: Record<string, unknown>) => request<PlanAnswer>("POST", "/api/calendar/plan", body),
  /** A manual run of the saved graph with per-node config overrides (the inputs form). */
  runWithInputs: (graphId: string, overrides: Record<string, Record<string, unknown>>) => request<{ runId: string }>("POST", "/api/runs", { graphId, overrides }),
};

/** Time zones the browser knows, for pickers (falls back to a short list on old browsers). */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  return intl.supportedValuesOf?.("timeZone") ?? ["UTC", "Europe/London", "Europe/Copenhagen", "America/New_York", "Asia/Tokyo"];
}
