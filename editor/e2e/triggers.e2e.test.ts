/**
 * Triggers and the content calendar in a real browser against `genjed start`: a cron trigger
 * previewed in words before saving and paused from its card, a webhook whose secret is shown once
 * and whose signed delivery shows in the history with its run, a feed condition, a manual run with
 * inputs, the week and month calendar, and a content plan scheduling a week at once.
 */
import { createHmac } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { GraphDocument } from "../../schemas/graph.js";
import type { TriggerView } from "../../schemas/triggers.js";
import { apiJson, createGraph, eventually, launchBrowser, personContext, screenshot, watchErrors } from "./browser.js";

const base = inject("e2eBaseUrl");
let browser: Browser;
let page: Page;
let errors: string[];
let graphId: string;

const product = (id: string, price: number) => ({ id, name: `Bottle ${id}`, price, currency: "EUR", images: ["examples/demo-catalog/images/aurora-bottle.png"] });
const doc: GraphDocument = {
  version: 1,
  name: "E2E scheduled ads",
  nodes: [{ id: "assets", type: "asset.source", position: { x: 0, y: 0 }, config: { source: "inline", products: [product("base", 10)] } }],
  edges: [],
};
const triggers = () => apiJson<TriggerView[]>(base, "GET", `/api/graphs/${graphId}/triggers`);
const card = (name: string) => page.locator('[data-testid="trigger-card"]').filter({ hasText: name });

beforeAll(async () => {
  browser = await launchBrowser();
  // An editor of the workspace: creating triggers and plans spends, so viewers may not.
  page = await (await personContext(browser, "Sam Scheduler", "editor")).newPage();
  await page.setViewportSize({ width: 1440, height: 1000 });
  errors = watchErrors(page);
  graphId = await createGraph(base, doc);
  await apiJson(base, "POST", `/api/graphs/${graphId}/versions`, { label: "first" });
});

afterAll(async () => {
  await browser?.close();
  expect(errors).toEqual([]);
});

it("shows a cron schedule in words and its next times before saving, refuses a bad one, and saves a good one", async () => {
  await page.goto(`${base}/#/graphs/${graphId}/triggers`);
  await page.getByTestId("triggers-graph-name").filter({ hasText: "E2E scheduled ads" }).waitFor();

  await page.getByTestId("cron-expression").fill("61 * * * *");
  await page.locator('[data-testid="cron-preview"][role="alert"]', { hasText: "61" }).waitFor();
  await page.getByTestId("create-trigger").click();
  await page.getByTestId("trigger-form-error").filter({ hasText: "config.expression" }).waitFor();

  await page.getByTestId("preset-weekdays").click();
  await page.getByTestId("cron-timezone").fill("Europe/Copenhagen");
  await page.getByTestId("cron-description").filter({ hasText: "At 09:00, Monday through Friday" }).waitFor();
  const times = await page.locator('[data-testid="cron-preview"] li').allTextContents();
  expect(times).toHaveLength(5);
  for (const t of times) expect(t).toMatch(/^(Mon|Tue|Wed|Thu|Fri) .*09:00/);
  await screenshot(page, "triggers-cron-preview");

  await page.getByTestId("trigger-name").fill("Weekday mornings");
  await page.getByTestId("create-trigger").click();
  await card("Weekday mornings").getByTestId("trigger-schedule").filter({ hasText: "At 09:00, Monday through Friday" }).waitFor();
  const [t] = await triggers();
  expect(t).toMatchObject({ kind: "cron", enabled: true, config: { expression: "0 9 * * 1-5", timezone: "Europe/Copenhagen" } });
});

it("pauses and resumes a trigger from its card", async () => {
  await card("Weekday mornings").getByTestId("toggle-trigger").click();
  await card("Weekday mornings").getByTestId("trigger-state").filter({ hasText: "Paused" }).waitFor();
  expect((await triggers())[0]).toMatchObject({ enabled: false, nextFireAt: null });
  await card("Weekday mornings").getByTestId("toggle-trigger").click();
  await card("Weekday mornings").getByTestId("trigger-state").filter({ hasText: "Active" }).waitFor();
});

it("shows a webhook secret once; a signed delivery runs the graph and shows in the history with its run", async () => {
  await page.getByTestId("kind-webhook").click();
  await page.getByTestId("trigger-name").fill("Shop orders");
  await page.getByTestId("create-trigger").click();
  const secret = (await page.getByTestId("webhook-secret-value").textContent())!.trim();
  const url = (await page.getByTestId("webhook-url").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  expect(url).toMatch(new RegExp(`/hooks/[0-9a-f-]{36}$`));
  await screenshot(page, "triggers-webhook-secret");
  await page.getByTestId("secret-done").click();
  await page.getByTestId("webhook-secret").waitFor({ state: "detached" });
  await card("Shop orders").waitFor();
  expect(await page.content()).not.toContain(secret);

  const body = JSON.stringify({ products: [product("from-shop", 19)] });
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac("sha256", secret).update(`${ts}.${body}`).digest("hex");
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "X-Genjed-Signature": `t=${ts},v1=${sig}` }, body });
  expect(res.status).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  const bad = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "X-Genjed-Signature": `t=${ts},v1=${"0".repeat(64)}` }, body });
  expect(bad.status).toBe(401);

  await card("Shop orders").getByTestId("toggle-history").click();
  const row = card("Shop orders").getByTestId("fire-row").first();
  await row.filter({ hasText: "started" }).waitFor();
  await card("Shop orders").getByTestId("fire-run-link").first().click();
  await page.waitForURL(new RegExp(`#/graphs/${graphId}/runs/${runId}$`));
  await page.waitForSelector('[data-testid="connection-status"]:has-text("Live")', { timeout: 20_000 });
  const run = await eventually(() => apiJson<{ status: string; nodes: { nodeId: string; output: { products: { id: string }[] } }[] }>(base, "GET", `/api/runs/${runId}`), (r) => r.status === "succeeded", 30_000, "the webhook's run");
  expect(run.nodes[0].output.products.map((p) => p.id)).toEqual(["from-shop"]);
});

it("creates a feed condition trigger", async () => {
  // A feed is an http(s) URL, an upload, or a file inside the shipped examples/.
  const feed = "examples/demo-catalog/products.json";
  await page.goto(`${base}/#/graphs/${graphId}/triggers`);
  await page.getByTestId("kind-condition").click();
  await page.getByTestId("trigger-name").fill("Low stock");
  await page.getByTestId("condition-feed").fill(feed);
  await page.getByTestId("stock-below").fill("5");
  await page.getByTestId("create-trigger").click();
  await card("Low stock").filter({ hasText: "stock below 5" }).waitFor();
  expect((await triggers()).find((t) => t.name === "Low stock")).toMatchObject({ kind: "condition", config: { feed, stockBelow: 5, target: { nodeId: "assets" } } });
});

it("starts a manual run with the asset source's inputs filled in", async () => {
  await page.getByTestId("manual-products").fill(JSON.stringify([product("manual-1", 5), product("manual-2", 6)]));
  await page.getByTestId("manual-limit").fill("1");
  await page.getByTestId("manual-run-button").click();
  await page.waitForURL(new RegExp(`#/graphs/${graphId}/runs/[0-9a-f-]{36}$`));
  const runId = page.url().split("/runs/")[1];
  const run = await eventually(() => apiJson<{ status: string; nodes: { output: { products: { id: string }[] } }[] }>(base, "GET", `/api/runs/${runId}`), (r) => r.status === "succeeded", 30_000, "the manual run");
  expect(run.nodes[0].output.products.map((p) => p.id)).toEqual(["manual-1"]);
});

it("shows the week and month calendar with scheduled and fired items, and opens a run from it", async () => {
  await page.goto(`${base}/#/calendar`);
  await page.getByTestId("calendar-grid").waitFor();
  // The calendar starts in the browser's zone; show it on Copenhagen's clock.
  await page.getByTestId("cal-timezone").fill("Europe/Copenhagen");
  // Today's webhook run is on this week's calendar.
  const fired = page.locator('[data-testid="calendar-item"][data-kind="fired"]', { hasText: "Shop orders" }).first();
  await fired.waitFor();
  await screenshot(page, "calendar-week");
  // Next week: the weekday trigger's five mornings at 09:00.
  await page.getByTestId("cal-next").click();
  await eventually(async () => page.locator('[data-testid="calendar-item"][data-kind="scheduled"]', { hasText: "Weekday mornings" }).allTextContents(), (l) => l.length === 5, 10_000, "five scheduled mornings");
  const mornings = await page.locator('[data-testid="calendar-item"][data-kind="scheduled"]', { hasText: "Weekday mornings" }).allTextContents();
  for (const m of mornings) expect(m).toMatch(/^09:00/);

  await page.getByTestId("view-month").click();
  await page.locator('[data-testid="calendar-grid"][data-mode="month"]').waitFor();
  // The month's days arrive with its data: wait for them rather than counting the first paint.
  const days = await eventually(async () => page.getByTestId("calendar-day").count(), (n) => n === 35 || n === 42, 10_000, "a month of days");
  expect([35, 42]).toContain(days);
  expect(await page.getByTestId("cal-label").textContent()).toMatch(/^[A-Z][a-z]+ \d{4}$/);
  await screenshot(page, "calendar-month");

  await page.getByTestId("view-week").click();
  await page.getByRole("button", { name: "Today" }).click();
  await page.locator('[data-testid="calendar-item"][data-kind="fired"]', { hasText: "Shop orders" }).first().click();
  await page.waitForURL(new RegExp(`#/graphs/${graphId}/runs/[0-9a-f-]{36}$`));
});

it("schedules a week of posts with the content plan and shows them per channel", async () => {
  await page.goto(`${base}/#/calendar`);
  await page.getByTestId("view-week").click();
  await page.getByTestId("cal-timezone").fill("Europe/Copenhagen");
  await page.getByTestId("plan-graph").selectOption(graphId);
  await page.getByTestId("plan-channels").fill("instagram_reels, tiktok");
  await page.getByTestId("plan-posts").fill("3");
  await page.getByTestId("plan-slots").fill("09:00, 13:00, 18:00");
  await page.getByTestId("plan-preview").click();
  await page.getByTestId("plan-preview-result").filter({ hasText: "42 runs" }).waitFor();
  await page.getByTestId("plan-create").click();
  await page.locator('[data-testid="toast"]', { hasText: "Scheduled 42 runs on 2 channels" }).waitFor();
  const start = await page.getByTestId("plan-start").inputValue();
  const startDay = page.locator(`[data-testid="calendar-day"][data-date="${start}"]`);
  await eventually(async () => startDay.locator('[data-kind="scheduled"]').allTextContents(), (l) => l.filter((t) => /instagram_reels|tiktok/.test(t)).length === 6, 10_000, "six posts on the first day");
  const texts = (await startDay.locator('[data-kind="scheduled"]').allTextContents()).filter((t) => /instagram_reels|tiktok/.test(t));
  expect(texts.map((t) => t.slice(0, 5)).sort()).toEqual(["09:00", "09:00", "13:00", "13:00", "18:00", "18:00"]);
  await screenshot(page, "calendar-content-plan");
  const plans = (await triggers()).filter((t) => t.kind === "schedule");
  expect(plans.map((t) => t.channel).sort()).toEqual(["instagram_reels", "tiktok"]);
  expect(plans.every((t) => (t.config.times as string[]).length === 21)).toBe(true);
});
