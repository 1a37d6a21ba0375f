/**
 * Running for real with local providers: the product-ad template from the graph list, live node
 * states on the canvas, a human review approved from the queue, and the final video playing.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, it } from "vitest";
import type { GraphDocument } from "../../schemas/graph.js";
import { apiJson, createGraph, eventually, launchBrowser, openGraph, personContext, screenshot, watchErrors } from "./browser.js";

const base = inject("e2eBaseUrl");
let browser: Browser;
let page: Page;
let errors: string[];

const FINAL = ["succeeded", "cached", "failed", "skipped", "canceled"];

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await personContext(browser, "Rey Reviewer")).newPage();
  errors = watchErrors(page);
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail") await screenshot(page, `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}`);
});

/** Every node on the canvas shows a final status; returns them by node id. */
async function waitForFinalStates(p: Page, timeoutMs: number): Promise<Record<string, string>> {
  // The canvas renders what is in view: fit the whole graph first.
  await p.keyboard.press("Shift+1");
  await p.waitForTimeout(350);
  await p.waitForFunction(
    (final) => {
      const nodes = [...document.querySelectorAll('[data-testid="graph-node"]')];
      return nodes.length > 0 && nodes.every((n) => final.includes(n.getAttribute("data-status") ?? ""));
    },
    FINAL,
    { timeout: timeoutMs, polling: 250 },
  );
  return p.locator('[data-testid="graph-node"]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute("data-node-id"), e.getAttribute("data-status")])));
}

/** Approve the pending review of `graphName` in the review queue page. */
async function approveInQueue(p: Page, graphName: string) {
  await p.goto(`${base}/#/reviews`);
  const card = p.locator('[data-testid="review-card"]').filter({ hasText: graphName }).first();
  await card.waitFor({ timeout: 30_000 });
  await card.locator("img, video").first().waitFor();
  await screenshot(p, "review-queue");
  await card.locator('[data-testid="approve"]').click();
  await p.locator('[data-testid="toast"]', { hasText: "Approved" }).waitFor();
  await card.waitFor({ state: "detached" });
}

it("approves a review from the queue and the run goes on", async () => {
  const doc: GraphDocument = {
    version: 1,
    name: "E2E review gate",
    nodes: [
      { id: "catalog", type: "asset.source", position: { x: 0, y: 0 }, config: { limit: 1 } },
      { id: "prompts", type: "prompt.parse", position: { x: 320, y: 0 }, config: { provider: "local", views: ["front"] } },
      { id: "images", type: "image.generate", position: { x: 640, y: 0 }, config: { provider: "local" } },
      { id: "review", type: "review.human", position: { x: 960, y: 0 }, config: { title: "Check the hero shot", autoApproveQaPassed: false } },
    ],
    edges: [
      { id: "e1", source: "catalog", sourcePort: "products", target: "prompts", targetPort: "product" },
      { id: "e2", source: "prompts", sourcePort: "shots", target: "images", targetPort: "prompt" },
      { id: "e3", source: "catalog", sourcePort: "products", target: "images", targetPort: "product" },
      { id: "e4", source: "images", sourcePort: "image", target: "review", targetPort: "image" },
    ],
  };
  const graphId = await createGraph(base, doc);
  await openGraph(page, base, graphId);
  await page.click('[data-testid="run-button"]');
  await page.waitForSelector('[data-node-id="review"][data-status="waiting"]', { timeout: 90_000 });
  await screenshot(page, "run-waiting-for-review");
  await approveInQueue(page, doc.name);
  await openGraph(page, base, graphId);
  const states = await waitForFinalStates(page, 60_000);
  expect(states).toMatchObject({ catalog: expect.stringMatching(/succeeded|cached/), review: "succeeded" });
  const runs = await eventually(() => apiJson<{ status: string }[]>(base, "GET", `/api/runs?graphId=${graphId}&limit=1`), (r) => r[0]?.status === "succeeded", 20_000, "the run to succeed");
  expect(runs[0].status).toBe("succeeded");
});

it("runs the product-ad template with local providers: every node finishes and the final video plays", async () => {
  const templates = await apiJson<{ id: string; name: string }[]>(base, "GET", "/api/templates");
  const full = await Promise.all(templates.map((t) => apiJson<{ id: string; document: GraphDocument }>(base, "GET", `/api/templates/${t.id}`)));
  // The full product-ad pipeline (with its human review) when installed, else the quick one.
  const chosen = full.find((t) => /product-ad/.test(t.id) && t.document.nodes.some((n) => n.type === "review.human")) ?? full.find((t) => /product-ad/.test(t.id));
  expect(chosen, `no product-ad template among ${templates.map((t) => t.id).join(", ")}`).toBeDefined();
  const hasReview = chosen!.document.nodes.some((n) => n.type === "review.human");

  await page.goto(`${base}/#/`);
  await page.click(`[data-testid="template-${chosen!.id}"]`);
  await page.waitForSelector('[data-testid="connection-status"]:has-text("Live")', { timeout: 20_000 });
  await page.waitForSelector('[data-testid="graph-node"]');
  const graphId = decodeURIComponent(new URL(page.url()).hash.split("/")[2]);
  await page.waitForSelector('[data-testid="estimate"] b:not(:has-text("—"))', { timeout: 10_000 });
  await screenshot(page, "template-before-run");
  await page.click('[data-testid="run-button"]');
  await page.waitForSelector('[data-testid="run-panel"]');
  // Live states arrive while it runs.
  await page.waitForSelector('[data-testid="graph-node"][data-status="running"], [data-testid="graph-node"][data-status="succeeded"]', { timeout: 60_000 });
  await screenshot(page, "template-running");

  if (hasReview) {
    const reviewNode = chosen!.document.nodes.find((n) => n.type === "review.human")!.id;
    await page.waitForSelector(`[data-node-id="${reviewNode}"][data-status="waiting"]`, { timeout: 300_000 });
    const name = await page.locator('[data-testid="graph-name"]').inputValue();
    await approveInQueue(page, name);
    await openGraph(page, base, graphId);
  }
  const states = await waitForFinalStates(page, 400_000);
  expect(Object.entries(states).filter(([, s]) => s === "failed" || s === "canceled")).toEqual([]);
  await page.click('[data-testid="tab-run"]');
  await page.locator('[data-testid="run-status"]', { hasText: "succeeded" }).waitFor({ timeout: 30_000 });
  await screenshot(page, "template-finished");

  // The last video-producing node: its output video plays in the inspector.
  const doc = chosen!.document;
  const videoNodes = doc.nodes.filter((n) => n.type === "video.composite");
  const finalNode = videoNodes[videoNodes.length - 1] ?? doc.nodes[doc.nodes.length - 1];
  await page.click(`[data-node-id="${finalNode.id}"] .gnode-header`);
  await page.click('[data-testid="tab-inspect"]');
  const video = page.locator('[data-testid="node-inspector"] [data-testid="output-video"]').first();
  await video.waitFor({ timeout: 20_000 });
  const played = await video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
    const start = v.currentTime;
    await new Promise((r) => setTimeout(r, 1500));
    return { advanced: v.currentTime - start, error: v.error?.message ?? null, duration: v.duration, width: v.videoWidth, height: v.videoHeight };
  });
  expect(played.error).toBeNull();
  expect(played.advanced).toBeGreaterThan(0.5);
  expect(played.width).toBeGreaterThan(0);
  await screenshot(page, "template-final-video");
  expect(errors).toEqual([]);
});
