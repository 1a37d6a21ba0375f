/** Shared helpers of the browser tests: Debian's Chromium through playwright-core, API calls, screenshots. */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { GraphDocument } from "../../schemas/graph.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = path.join(ROOT, "test-artifacts", "e2e");

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** A browser context for one person (their own localStorage: name and colour). */
export async function personContext(browser: Browser, name: string, color: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript(
    ([n, c]) => {
      localStorage.setItem("genjed.user", JSON.stringify({ name: n, color: c }));
    },
    [name, color],
  );
  return context;
}

/** Collect page errors: a test fails on any uncaught exception in the app. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

export async function screenshot(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

export async function apiJson<T>(base: string, method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(base + url, { method, headers: body ? { "content-type": "application/json" } : undefined, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url} -> ${r.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function createGraph(base: string, document: GraphDocument): Promise<string> {
  const g = await apiJson<{ id: string }>(base, "POST", "/api/graphs", { name: document.name, document });
  return g.id;
}

export async function openGraph(page: Page, base: string, graphId: string) {
  await page.goto(`${base}/#/graphs/${graphId}`);
  await page.waitForSelector('[data-testid="connection-status"]:has-text("Live")', { timeout: 20_000 });
  await page.waitForSelector('[data-testid="canvas"]');
}

/** Centre of an element on screen. */
export async function centerOf(page: Page, selector: string) {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drag with real mouse events (press, several moves, release), as a person does. */
export async function dragMouse(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 12) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}

/** The live graph as the API sees it (the collab service's document). */
export async function graphDocument(base: string, graphId: string): Promise<GraphDocument> {
  return (await apiJson<{ document: GraphDocument }>(base, "GET", `/api/graphs/${graphId}`)).document;
}

export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
}
