/**
 * One person building a graph with the mouse: nodes from the palette (click and drag), wires
 * between ports, a wire refused with its reason, a config error shown on the node, and a reload
 * that keeps everything.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { centerOf, createGraph, dragMouse, eventually, graphDocument, launchBrowser, openGraph, personContext, screenshot, watchErrors } from "./browser.js";

const base = inject("e2eBaseUrl");
let browser: Browser;
let page: Page;
let errors: string[];
let graphId: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const ctx = await personContext(browser, "Ada Lovelace");
  page = await ctx.newPage();
  errors = watchErrors(page);
  graphId = await createGraph(base, { version: 1, name: "E2E canvas", nodes: [], edges: [] });
  await openGraph(page, base, graphId);
});

afterAll(async () => {
  await browser?.close();
});

const node = (type: string) => `[data-testid="graph-node"][data-node-id^="${type.replace(/\./g, "_")}"]`;

it("adds nodes from the palette by click and by drag", async () => {
  await page.click('[data-testid="palette-asset.source"]');
  await page.waitForSelector(node("asset.source"));
  // Drag "Generate image" from the palette onto the right part of the canvas.
  const canvas = await page.locator('[data-testid="canvas"]').boundingBox();
  const from = await centerOf(page, '[data-testid="palette-prompt.parse"]');
  await page.dragAndDrop('[data-testid="palette-prompt.parse"]', '[data-testid="canvas"]', {
    sourcePosition: { x: 20, y: 10 },
    targetPosition: { x: canvas!.width * 0.75, y: canvas!.height * 0.3 },
  });
  expect(from.x).toBeLessThan(canvas!.x);
  await page.waitForSelector(node("prompt.parse"));
  await page.click('[data-testid="palette-speech.synthesize"]');
  await page.waitForSelector(node("speech.synthesize"));
  await page.click('[data-testid="tab-inspect"]');
  // Tidy up so ports are easy to reach.
  await page.keyboard.press("Shift+L");
  await page.waitForTimeout(400);
  const doc = await eventually(() => graphDocument(base, graphId), (d) => d.nodes.length === 3, 10_000, "three nodes on the server");
  expect(doc.nodes.map((n) => n.type).sort()).toEqual(["asset.source", "prompt.parse", "speech.synthesize"]);
  await screenshot(page, "canvas-nodes-added");
});

it("connects two ports by dragging a wire with the mouse", async () => {
  const out = await centerOf(page, `${node("asset.source")} [data-testid="handle-out-products"]`);
  const inp = await centerOf(page, `${node("prompt.parse")} [data-testid="handle-in-product"]`);
  await dragMouse(page, out, inp);
  const doc = await eventually(() => graphDocument(base, graphId), (d) => d.edges.length === 1, 10_000, "an edge on the server");
  expect(doc.edges[0]).toMatchObject({ sourcePort: "products", targetPort: "product" });
  await page.waitForSelector(".react-flow__edge");
});

it("refuses an incompatible connection and says why", async () => {
  // products (a product list) into speech's text input: wrong type.
  const out = await centerOf(page, `${node("asset.source")} [data-testid="handle-out-brand"]`);
  const inp = await centerOf(page, `${node("speech.synthesize")} [data-testid="handle-in-text"]`);
  await page.mouse.move(out.x, out.y);
  await page.mouse.down();
  await page.mouse.move(inp.x, inp.y, { steps: 12 });
  const hint = await page.waitForSelector('[data-testid="connection-hint"]', { timeout: 5000 });
  expect(await hint.textContent()).toMatch(/expects text, but .* gives brand/);
  await screenshot(page, "canvas-connection-refused");
  await page.mouse.up();
  const toast = await page.waitForSelector('[data-testid="toast"]:has-text("Connection refused")');
  expect(await toast.textContent()).toMatch(/expects text/);
  const doc = await graphDocument(base, graphId);
  expect(doc.edges).toHaveLength(1);
});

it("shows a config error on the node while editing", async () => {
  await page.click(`${node("speech.synthesize")} .gnode-header`);
  await page.waitForSelector('[data-testid="node-inspector"]');
  // A value the schema refuses: the compiler's error appears on the node (and the field).
  const field = page.locator('[data-testid="node-inspector"] .field').filter({ has: page.locator("input[type=number]") }).first();
  const input = field.locator("input[type=number]");
  const name = await field.getAttribute("data-field");
  await input.fill("-5");
  // The node already lists its unconnected input; the new error names the field.
  const errors = page.locator(`${node("speech.synthesize")} [data-testid="node-errors"]`);
  await errors.filter({ hasText: `${name}:` }).waitFor({ timeout: 10_000 });
  expect(await page.locator(`[data-testid="node-inspector"] [data-field="${name}"] [data-testid="field-error"]`).count()).toBeGreaterThan(0);
  await screenshot(page, "canvas-config-error");
  // Resetting the field to its default clears the error.
  await field.locator(".link-btn").first().click();
  await errors.filter({ hasText: `${name}:` }).waitFor({ state: "detached", timeout: 10_000 });
});

it("undo reverts my last change; reload keeps everything", async () => {
  const before = await graphDocument(base, graphId);
  await page.click('[data-testid="canvas"] .react-flow__pane', { position: { x: 10, y: 10 } });
  await page.click('[data-testid="palette-video.composite"]');
  await eventually(() => graphDocument(base, graphId), (d) => d.nodes.length === before.nodes.length + 1, 10_000, "node added");
  await page.keyboard.press("Control+z");
  await eventually(() => graphDocument(base, graphId), (d) => d.nodes.length === before.nodes.length, 10_000, "undo on the server");
  await page.reload();
  await openGraph(page, base, graphId);
  await page.waitForSelector(".react-flow__edge");
  const shown = await page.locator('[data-testid="graph-node"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-node-id")).sort());
  expect(shown).toEqual(before.nodes.map((n) => n.id).sort());
  expect(await page.locator(".react-flow__edge").count()).toBe(before.edges.length);
  await screenshot(page, "canvas-after-reload");
  expect(errors).toEqual([]);
});
