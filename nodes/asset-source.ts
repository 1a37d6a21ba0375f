/**
 * asset.source: the products and brand kit a pipeline works on. Products come from the config
 * (inline rows), a CSV/JSON catalogue file, or a list of image URLs; every row and field is
 * validated with an error naming it, every image is checked reachable and normalised to PNG/JPEG
 * into media storage.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { MediaRef } from "../schemas/index.js";
import type { Brand, Product } from "../schemas/content.js";
import { csvToRows } from "./assets/csv.js";
import { fetchImage, ImageFetchError, type FetchPolicy } from "./assets/fetch-image.js";
import { isHttpUrl, loadImageBytes, normaliseImage, resolveLocalPath } from "./assets/load-image.js";
import { BrandKitConfigSchema, ProductRowSchema, formatIssues, slug, validateRows, type ProductRow } from "./assets/rows.js";
import { defineNode, PermanentNodeError, type NodeContext } from "./types.js";

export const AssetSourceConfigSchema = z.strictObject({
  source: z
    .enum(["inline", "file", "urls"])
    .default("file")
    .describe("Where products come from: the rows below, a CSV/JSON catalogue file, or a list of image URLs (one product each)"),
  file: z
    .string()
    .default("examples/demo-catalog/products.json")
    .describe("CSV or JSON catalogue: a path (relative to the working directory or the install folder) or an http(s) URL"),
  products: z.array(ProductRowSchema).default([]).describe("Inline product rows (source: inline)"),
  urls: z.array(z.string().url()).default([]).describe("Image URLs, one product each, named after the file, price 0 (source: urls; use a catalogue file for prices)"),
  brand: BrandKitConfigSchema.default(BrandKitConfigSchema.parse({})).describe("Brand kit; a `brand` object in a JSON catalogue file replaces it"),
  limit: z.number().int().min(1).max(10_000).optional().describe("Use only the first N products"),
  allowHosts: z
    .array(z.string().min(1))
    .default([])
    .describe("Hosts or IPs that may be fetched although private or loopback (e.g. an intranet image server)"),
});
export type AssetSourceConfig = z.output<typeof AssetSourceConfigSchema>;

interface LoadedCatalogue {
  rows: unknown[];
  brand?: unknown;
  /** Relative image paths are resolved against this folder. */
  baseDir: string;
  /** How errors name where a row came from. */
  label: string;
}

async function readCatalogue(config: AssetSourceConfig, policy: FetchPolicy): Promise<LoadedCatalogue> {
  if (config.source === "inline") return { rows: config.products, baseDir: process.cwd(), label: "products" };
  if (config.source === "urls") {
    const rows = config.urls.map((u) => {
      const base = decodeURIComponent(new URL(u).pathname.split("/").pop() ?? "").replace(/\.[a-z0-9]+$/i, "");
      const name = base.replace(/[-_]+/g, " ").trim().replace(/\b\w/g, (c) => c.toUpperCase());
      return { id: slug(base || u), name, price: 0, images: [u] };
    });
    return { rows, baseDir: process.cwd(), label: "urls" };
  }
  const file = config.file.trim();
  if (!file) throw new PermanentNodeError("file: no catalogue file given (source: file)", "NODE_INPUT_INVALID", { field: "file" });
  let text: string;
  let baseDir: string;
  if (isHttpUrl(file)) {
    try {
      text = (await fetchImage(file, { ...policy, maxBytes: 20 * 1024 * 1024 })).data.toString("utf8");
    } catch (err) {
      throw asNodeError(`file: catalogue ${file} could not be fetched: ${(err as Error).message}`, err);
    }
    baseDir = process.cwd();
  } else {
    const resolved = await resolveLocalPath(file, process.cwd());
    if (!resolved) throw new PermanentNodeError(`file: catalogue file not found: ${file}`, "NODE_INPUT_INVALID", { field: "file" });
    text = await readFile(resolved, "utf8");
    baseDir = path.dirname(resolved);
  }
  const name = path.basename(file);
  if (/\.csv$/i.test(file)) {
    try {
      return { rows: csvToRows(text), baseDir, label: `${name} products` };
    } catch (err) {
      throw new PermanentNodeError(`file: ${name} is not valid CSV: ${(err as Error).message}`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PermanentNodeError(`file: ${name} is neither CSV (by extension) nor valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(data)) return { rows: data, baseDir, label: `${name} products` };
  if (data && typeof data === "object" && Array.isArray((data as { products?: unknown }).products)) {
    const d = data as { products: unknown[]; brand?: unknown };
    return { rows: d.products, brand: d.brand, baseDir, label: `${name} products` };
  }
  throw new PermanentNodeError(`file: ${name} must hold a list of products or an object with a "products" list`);
}

function asNodeError(message: string, err: unknown): Error {
  return err instanceof ImageFetchError && !err.permanent ? new Error(message) : new PermanentNodeError(message);
}

async function storeImage(ctx: NodeContext, source: string, where: string, baseDir: string, policy: FetchPolicy): Promise<MediaRef> {
  try {
    const bytes = await loadImageBytes(source, baseDir, policy);
    const img = await normaliseImage(bytes);
    return await ctx.storage.put(img.data, { mime: img.mime, meta: { source: isHttpUrl(source) ? source : path.basename(source) } });
  } catch (err) {
    if (err instanceof ImageFetchError) {
      const msg = `${where}: image ${source}: ${err.message}`;
      throw err.permanent ? new PermanentNodeError(msg, "NODE_INPUT_INVALID", { field: where }) : new Error(msg);
    }
    throw err;
  }
}

export const assetSource = defineNode({
  type: "asset.source",
  version: 1,
  title: "Asset source",
  category: "Sources",
  description: "Products (inline, CSV/JSON file or image URLs) and a brand kit, validated, with images checked and normalised into media storage.",
  inputs: [],
  outputs: [
    { name: "products", type: "product", list: true, description: "The validated products, images stored" },
    { name: "brand", type: "brand", description: "The brand kit: name, colours, fonts, tone, logo" },
  ],
  config: AssetSourceConfigSchema,
  estimate: (config) => ({ usd: 0, seconds: 1 + 0.3 * (listSize(config) ?? 5) }),
  listSizeHint: (config) => listSize(config),
  async run(_inputs, config, ctx) {
    const policy: FetchPolicy = { allowHosts: config.allowHosts, signal: ctx.signal };
    const catalogue = await readCatalogue(config, policy);

    let brandKit = config.brand;
    if (catalogue.brand !== undefined) {
      const b = BrandKitConfigSchema.safeParse(catalogue.brand);
      if (!b.success) throw new PermanentNodeError(formatIssues(b.error, [`${catalogue.label.split(" ")[0]} brand`]).join("\n"));
      brandKit = b.data;
    }

    const limited = config.limit ? catalogue.rows.slice(0, config.limit) : catalogue.rows;
    if (limited.length === 0) throw new PermanentNodeError(`${catalogue.label}: the catalogue has no products`);
    const { rows, errors } = validateRows(limited, catalogue.label);
    if (errors.length) {
      throw new PermanentNodeError(
        `${errors.length} problem${errors.length > 1 ? "s" : ""} in the catalogue:\n${errors.join("\n")}`,
        "NODE_INPUT_INVALID",
        { errors },
      );
    }

    // Check every image before failing, so one run reports all unreachable ones.
    const products: Product[] = [];
    const imageErrors: string[] = [];
    let transient: Error | undefined;
    for (const [i, row] of rows.entries()) {
      const images: MediaRef[] = [];
      for (const [j, src] of row.images.entries()) {
        try {
          images.push(await storeImage(ctx, src, `${catalogue.label}[${i}].images[${j}]`, catalogue.baseDir, policy));
        } catch (err) {
          if (err instanceof PermanentNodeError) imageErrors.push(err.message);
          else transient ??= err as Error;
        }
      }
      products.push(toProduct(row as ProductRow & { id: string }, images));
      ctx.progress((i + 1) / rows.length);
    }
    if (imageErrors.length) throw new PermanentNodeError(imageErrors.join("\n"), "NODE_INPUT_INVALID", { errors: imageErrors });
    if (transient) throw transient;

    let logo: MediaRef | undefined;
    if (brandKit.logo) logo = await storeImage(ctx, brandKit.logo, "brand.logo", catalogue.baseDir, policy);
    const brand: Brand = { name: brandKit.name, colors: brandKit.colors, fonts: brandKit.fonts, tone: brandKit.tone, ...(logo ? { logo } : {}) };
    ctx.log(`${products.length} product${products.length === 1 ? "" : "s"} and brand "${brand.name}" loaded`);
    return { products, brand };
  },
});

function toProduct(row: ProductRow & { id: string }, images: MediaRef[]): Product {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    price: row.price,
    currency: row.currency,
    category: row.category,
    images,
    attributes: row.attributes,
  };
}

function listSize(config: AssetSourceConfig): number | undefined {
  const n = config.source === "inline" ? config.products.length : config.source === "urls" ? config.urls.length : undefined;
  if (n === undefined) return config.limit;
  return config.limit ? Math.min(n, config.limit) : n;
}
