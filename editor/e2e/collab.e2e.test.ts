/**
 * Two people on one graph in two browser contexts: each sees the other's edits, cursor and
 * selection live; undo is per person; offline edits merge on reconnect.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject, it } from "vitest";
import { centerOf, createGraph, dragMouse, eventually, graphDocument, launchBrowser, openGraph, personContext, screenshot, watchErrors } from "./browser.js";

const base = inject("e2eBaseUrl");
let browser: Browser;
let ada: Page;
let bo: Page;
let graphId: string;
const errors: string[][] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  graphId = await createGraph(base, {
    version: 1,
    name: "E2E together",
    nodes: [
      { id: "source", type: "asset.source", position: { x: 0, y: 0 }, config: {} },
      { id: "parse", type: "prompt.parse", position: { x: 360, y: 0 }, config: {} },
    ],
    edges: [],
  });
  ada = await (await personContext(browser, "Ada Lovelace")).newPage();
  bo = await (await personContext(browser, "Bo Peep")).newPage();
  errors.push(watchErrors(ada), watchErrors(bo));
  await openGraph(ada, base, graphId);
  await openGraph(bo, base, graphId);
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== "fail") return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
  await screenshot(ada, `failed-${name}-ada`);
  await screenshot(bo, `failed-${name}-bo`);
});

/**
 * Wait until `selector` is on `page`'s canvas. The canvas renders only what is in view, so the
 * person "looks around" (fit view) while waiting, as someone would after seeing the minimap change.
 */
async function seesNode(page: Page, selector: string, timeoutMs = 5000) {
  await eventually(
    async () => {
      await page.keyboard.press("Shift+1");
      return page.locator(selector).count();
    },
    (n) => n > 0,
    timeoutMs,
    `${selector} on screen`,
  );
  await page.waitForTimeout(350); // let the fit-view animation end before anyone aims the mouse
}

it("shows who is here, with names and colours", async () => {
  await ada.waitForSelector('[data-testid="peer-avatar"][title^="Bo Peep"]');
  await bo.waitForSelector('[data-testid="peer-avatar"][title^="Ada Lovelace"]');
});

it("each sees the other's edits live", async () => {
  await ada.click('[data-testid="palette-speech.synthesize"]');
  await seesNode(bo, '[data-testid="graph-node"][data-node-id^="speech_synthesize"]');
  // Bo wires source -> parse with the mouse; Ada sees the edge.
  const out = await centerOf(bo, '[data-node-id="source"] [data-testid="handle-out-products"]');
  const inp = await centerOf(bo, '[data-node-id="parse"] [data-testid="handle-in-product"]');
  await dragMouse(bo, out, inp);
  await ada.waitForSelector(".react-flow__edge", { state: "attached", timeout: 5000 });
  // Ada's compile errors follow Bo's edit: "product needs a connection" goes away on her screen.
  await ada.locator('[data-node-id="parse"] [data-testid="node-errors"]').filter({ hasText: "product" }).waitFor({ state: "detached", timeout: 5000 });
  // Bo renames a node in the inspector; Ada's canvas shows the new label.
  await bo.click('[data-node-id="parse"] .gnode-header');
  const label = bo.locator('[data-testid="node-inspector"] .field input').first();
  await label.fill("Script writer");
  await label.press("Enter");
  await ada.waitForSelector('[data-node-id="parse"] .gnode-title:has-text("Script writer")', { timeout: 5000 });
});

it("each sees the other's cursor and selection", async () => {
  const box = (await bo.locator('[data-testid="canvas"]').boundingBox())!;
  await bo.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
  const cursor = await ada.waitForSelector('[data-testid="remote-cursor"][data-user="Bo Peep"]', { timeout: 5000 });
  expect(await cursor.textContent()).toContain("Bo Peep");
  // Bo has "parse" selected (from the rename): Ada sees it outlined with Bo's name.
  await ada.waitForSelector('[data-node-id="parse"] .gnode-peer:has-text("Bo Peep")', { timeout: 5000 });
  const adaBox = (await ada.locator('[data-testid="canvas"]').boundingBox())!;
  await ada.mouse.move(adaBox.x + 200, adaBox.y + 150, { steps: 5 });
  await bo.waitForSelector('[data-testid="remote-cursor"][data-user="Ada Lovelace"]', { timeout: 5000 });
  await screenshot(ada, "collab-ada-sees-bo");
  await screenshot(bo, "collab-bo-sees-ada");
});

it("undo is per person: Ada's undo reverts her edit, not Bo's", async () => {
  await ada.click('[data-testid="canvas"] .react-flow__pane', { position: { x: 20, y: 20 } });
  await ada.click('[data-testid="palette-video.composite"]');
  await seesNode(bo, '[data-node-id^="video_composite"]');
  // Bo then adds a node of his own.
  await bo.click('[data-testid="canvas"] .react-flow__pane', { position: { x: 20, y: 20 } });
  await bo.click('[data-testid="palette-image.generate"]');
  await seesNode(ada, '[data-node-id^="image_generate"]');
  await ada.keyboard.press("Control+z");
  const doc = await eventually(() => graphDocument(base, graphId), (d) => !d.nodes.some((n) => n.type === "video.composite"), 5000, "Ada's node undone");
  expect(doc.nodes.some((n) => n.type === "image.generate")).toBe(true);
  // Bo's own copy of the graph lost Ada's node and kept his.
  const boIds = () => bo.evaluate(() => [...(window as unknown as { __genjed: { session: { doc: { getMap(n: string): Map<string, unknown> } } } }).__genjed.session.doc.getMap("nodes").keys()]);
  const ids = await eventually(boIds, (list) => !list.some((id) => id.startsWith("video_composite")), 5000, "Ada's node gone for Bo");
  expect(ids.filter((id) => id.startsWith("image_generate"))).toHaveLength(1);
});

it("edits made offline merge when the connection comes back", async () => {
  // Chromium's emulated offline mode leaves open WebSockets alone, so drop Bo's socket the way a
  // network loss does: from his side, through the app's own provider.
  const setOnline = (on: boolean) =>
    bo.evaluate((online) => {
      const p = (window as unknown as { __genjed: { session: { provider: { connect(): void; disconnect(): void } } } }).__genjed.session.provider;
      if (online) p.connect();
      else p.disconnect();
    }, on);
  await setOnline(false);
  await bo.waitForSelector('[data-testid="connection-status"]:has-text("Offline")', { timeout: 15_000 });
  await bo.waitForSelector('[data-testid="reconnecting"]');
  await screenshot(bo, "collab-offline");
  await bo.click('[data-testid="canvas"] .react-flow__pane', { position: { x: 20, y: 20 } });
  await bo.click('[data-testid="palette-video.fromImage"]');
  await ada.click('[data-testid="canvas"] .react-flow__pane', { position: { x: 20, y: 20 } });
  await ada.click('[data-testid="palette-speech.synthesize"]');
  await setOnline(true);
  await bo.waitForSelector('[data-testid="connection-status"]:has-text("Live")', { timeout: 20_000 });
  await seesNode(ada, '[data-node-id^="video_fromImage"]', 10_000);
  const ids = async (p: Page) => (await p.locator('[data-testid="graph-node"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-node-id")))).sort();
  await eventually(async () => [await ids(ada), await ids(bo)], ([a, b]) => JSON.stringify(a) === JSON.stringify(b), 10_000, "both canvases to agree");
  const doc = await graphDocument(base, graphId);
  expect(doc.nodes.map((n) => n.id).sort()).toEqual(await ids(ada));
  expect(doc.nodes.filter((n) => n.type === "speech.synthesize")).toHaveLength(2);
  expect(errors.flat()).toEqual([]);
});
