/** Shared helpers of the browser tests: Debian's Chromium through playwright-core, API calls, screenshots. */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { inject } from "vitest";
import type { GraphDocument } from "../../schemas/graph.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ARTIFACTS = path.join(ROOT, "test-artifacts", "e2e");

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

// ---------------------------------------------------------------- accounts

interface Session {
  cookie: string;
  csrf: string;
  workspaceId: string;
}

let owner: Promise<Session> | null = null;

/** The workspace owner's session for API calls made by the tests themselves. */
export function ownerSession(base: string): Promise<Session> {
  owner ??= (async () => {
    const { email, password } = inject("e2eOwner");
    const r = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
    if (!r.ok) throw new Error(`owner sign-in failed: ${r.status} ${await r.text()}`);
    const cookie = (r.headers.getSetCookie?.() ?? [r.headers.get("set-cookie") ?? ""]).map((c) => c.split(";")[0]).join("; ");
    const me = (await r.json()) as { csrfToken: string; workspace: { id: string } };
    return { cookie, csrf: me.csrfToken, workspaceId: me.workspace.id };
  })();
  return owner;
}

const PASSWORD = "e2e-person-password-1";
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, ".").replace(/^\.|\.$/g, "");

/**
 * A browser context signed in as its own person (a member of the owner's workspace with `role`),
 * so presence shows their name. The account is invited on first use and signs in after that.
 */
export async function personContext(browser: Browser, name: string, role: "owner" | "editor" | "reviewer" | "viewer" = "editor"): Promise<BrowserContext> {
  const base = inject("e2eBaseUrl");
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const email = `${slug(name)}@e2e.test`;
  const ws = (await ownerSession(base)).workspaceId;
  const members = await apiJson<{ email: string }[]>(base, "GET", `/api/workspaces/${ws}/members`);
  let token: string | null = null;
  if (!members.some((m) => m.email === email)) {
    const invited = await apiJson<{ signInPath?: string }>(base, "POST", `/api/workspaces/${ws}/members`, { email, role, name });
    token = invited.signInPath ? new URLSearchParams(invited.signInPath.split("#")[1]).get("token") : null;
  }
  const r = token
    ? await context.request.post(`${base}/api/auth/first-run`, { data: { token, password: PASSWORD, name } })
    : await context.request.post(`${base}/api/auth/login`, { data: { email, password: PASSWORD } });
  if (!r.ok()) throw new Error(`signing in ${name} failed: ${r.status()} ${await r.text()}`);
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

/** An API call as the workspace owner. */
export async function apiJson<T>(base: string, method: string, url: string, body?: unknown): Promise<T> {
  const s = await ownerSession(base);
  const headers: Record<string, string> = { cookie: s.cookie, "x-csrf-token": s.csrf };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(base + url, { method, headers, body: body !== undefined ? JSON.stringify(body) : undefined });
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
