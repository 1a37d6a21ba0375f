/**
 * An editor uploads a brand logo and a catalogue from asset.source's form: the file goes to
 * /api/uploads, the field shows its thumbnail and name, the config holds `upload:<hash>`, and the
 * catalogue can be picked again from the workspace's earlier uploads.
 */
import { createHash } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { makePng } from "../../test/fakes/sample-media.js";
import { createGraph, eventually, graphDocument, launchBrowser, openGraph, personContext, screenshot, watchErrors } from "./browser.js";

const base = inject("e2eBaseUrl");
let browser: Browser;
let page: Page;
let errors: string[];
let graphId: string;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const configOf = async () => (await graphDocument(base, graphId)).nodes[0].config as Record<string, any>;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await (await personContext(browser, "Grace Hopper")).newPage();
  errors = watchErrors(page);
  graphId = await createGraph(base, { version: 1, name: "E2E uploads", nodes: [{ id: "asset_source_1", type: "asset.source", position: { x: 0, y: 0 }, config: {} }], edges: [] });
  await openGraph(page, base, graphId);
  await page.click('[data-testid="graph-node"][data-node-id="asset_source_1"] .gnode-header');
  await page.waitForSelector('[data-testid="node-inspector"]');
});

afterAll(async () => {
  await browser?.close();
});

it("uploads a logo from the form, shows its thumbnail and name, and writes upload:<hash>", async () => {
  const logo = makePng(120, 60, 5);
  await page.setInputFiles('[data-testid="file-brand.logo-file"]', { name: "northwind-logo.png", mimeType: "image/png", buffer: logo });
  const badge = page.locator('[data-field="brand.logo"] [data-testid="upload-badge"]');
  await badge.waitFor({ timeout: 15_000 });
  expect(await badge.textContent()).toContain("northwind-logo.png");
  // The thumbnail really loads (the browser's cookie reads /media for its workspace).
  await eventually(() => badge.locator("img").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), (ok) => ok, 10_000, "the thumbnail to load");
  const config = await eventually(configOf, (c) => typeof c.brand?.logo === "string", 10_000, "the logo in the config");
  expect(config.brand.logo).toBe(`upload:${sha256(logo)}`);
  expect(await page.inputValue('[data-testid="file-brand.logo"]')).toBe(`upload:${sha256(logo)}`);
  await badge.scrollIntoViewIfNeeded();
  await screenshot(page, "uploads-logo");
});

it("uploads a catalogue, and picks it again from the workspace's uploads after typing a path", async () => {
  const csv = Buffer.from("name,price,images\nLinen shirt,49,https://example.com/shirt.jpg\n");
  await page.setInputFiles('[data-testid="file-file-file"]', { name: "spring.csv", mimeType: "text/csv", buffer: csv });
  await eventually(configOf, (c) => c.file === `upload:${sha256(csv)}`, 15_000, "the catalogue upload in the config");
  // Typing a path still works.
  await page.fill('[data-testid="file-file"]', "examples/demo-catalog/products.json");
  await eventually(configOf, (c) => c.file === "examples/demo-catalog/products.json", 10_000, "the typed path in the config");
  // The picker lists catalogues only (not the logo), and choosing one writes its reference.
  const field = page.locator('[data-field="file"]');
  await field.getByText("choose from uploads").click();
  const picker = field.locator('[data-testid="upload-picker"]');
  await picker.getByText("spring.csv").waitFor({ timeout: 10_000 });
  expect(await picker.getByText("northwind-logo.png").count()).toBe(0);
  await screenshot(page, "uploads-picker");
  await picker.getByText("spring.csv").click();
  await eventually(configOf, (c) => c.file === `upload:${sha256(csv)}`, 10_000, "the picked catalogue in the config");
  expect(errors).toEqual([]);
});
