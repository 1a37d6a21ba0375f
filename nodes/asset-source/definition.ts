/**
 * asset.source: the products and brand kit a pipeline works on. Products come from the config
 * (inline rows), a CSV/JSON catalogue file, or a list of image URLs; every row and field is
 * validated with an error naming it, every image is checked reachable and normalised to PNG/JPEG
 * into media storage.
 */
import { z } from "zod";
import type { MediaRef } from "../../schemas/index.js";
import type { Brand, Product } from "../../schemas/content.js";
import { checkReference, JsonTextError, parseJsonText, PathNotAllowedError } from "../../lib/files/index.js";
import { ALLOW_ENV } from "../../lib/net/index.js";
import { csvToRows } from "../../lib/assets/csv.js";
import { isHttpUrl, locate, normaliseImage, readSource, sourceLabel, SourceError, type CatalogueBase, type SourceRef } from "./load-image.js";
import { BrandKitConfigSchema, ProductRowSchema, formatIssues, slug, validateRows, type ProductRow } from "../shared/rows.js";
import { defineNode, PermanentNodeError, type NodeContext } from "../contract.js";

export const AssetSourceConfigSchema = z.strictObject({
  source: z
    .enum(["inline", "file", "urls"])
    .default("file")
    .describe("Where products come from: the rows below, a CSV/JSON catalogue file, or a list of image URLs (one product each)"),
  file: z
    .string()
    .default("examples/demo-catalog/products.json")
    .describe("CSV or JSON catalogue: an upload (upload:<sha256>), a path inside examples/, or an http(s) URL"),
  products: z.array(ProductRowSchema).default([]).describe("Inline product rows (source: inline)"),
  urls: z.array(z.string().url()).default([]).describe("Image URLs, one product each, named after the file, price 0 (source: urls; use a catalogue file for prices)"),
  brand: BrandKitConfigSchema.default(BrandKitConfigSchema.parse({})).describe("Brand kit; a `brand` object in a JSON catalogue file replaces it"),
  limit: z.number().int().min(1).max(10_000).optional().describe("Use only the first N products"),
  /**
   * Retired: a per-node list of private hosts let an editor open the private network (even the
   * cloud metadata address). Graphs saved with it still load; it is ignored with a warning, and
   * the operator allows private hosts with GENJED_OUTBOUND_ALLOW. Hidden from the editor (deprecated).
   */
  allowHosts: z.unknown().optional().meta({ deprecated: true }).describe(`Ignored: private hosts are allowed with ${ALLOW_ENV} on the server`),
}).superRefine((c, ctx) => {
  // Paths in the config are refused when the graph is checked (saved, run, overridden), naming the
  // field; the run checks them again with the file system (symlinks, the workspace's uploads).
  const check = (value: string | undefined, path: (string | number)[]) => {
    const v = value?.trim();
    if (!v || isHttpUrl(v)) return;
    try {
      checkReference(v, path.join("."));
    } catch (err) {
      if (err instanceof PathNotAllowedError) ctx.addIssue({ code: "custom", path, message: `PATH_NOT_ALLOWED: ${err.reason}` });
      else throw err;
    }
  };
  if (c.source === "file") check(c.file, ["file"]);
  if (c.source === "inline") c.products.forEach((p, i) => p.images.forEach((img, j) => check(img, ["products", i, "images", j])));
  check(c.brand.logo, ["brand", "logo"]);
});
export type AssetSourceConfig = z.output<typeof AssetSourceConfigSchema>;

export const ALLOW_HOSTS_IGNORED = `allowHosts is ignored: the server's ${ALLOW_ENV} setting decides which private or loopback hosts may be fetched`;

interface LoadedCatalogue {
  rows: unknown[];
  brand?: unknown;
  /** What relative image references resolve against. */
  base?: CatalogueBase;
  /** How errors name where a row came from. */
  label: string;
}

async function readCatalogue(ctx: NodeContext, config: AssetSourceConfig): Promise<LoadedCatalogue> {
  if (config.source === "inline") return { rows: config.products, label: "products" };
  if (config.source === "urls") {
    const rows = config.urls.map((u) => {
      const base = decodeURIComponent(new URL(u).pathname.split("/").pop() ?? "").replace(/\.[a-z0-9]+$/i, "");
      const name = base.replace(/[-_]+/g, " ").trim().replace(/\b\w/g, (c) => c.toUpperCase());
      return { id: slug(base || u), name, price: 0, images: [u] };
    });
    return { rows, label: "urls" };
  }
  const file = config.file.trim();
  if (!file) throw new PermanentNodeError("file: no catalogue file given (source: file)", "NODE_INPUT_INVALID", { field: "file" });
  let ref: SourceRef;
  let text: string;
  let contentType: string | undefined;
  try {
    ref = await locate(ctx, file, "file");
    const got = await readSource(ctx, ref, "file", 20 * 1024 * 1024);
    text = got.data.toString("utf8");
    contentType = got.contentType;
  } catch (err) {
    throw asNodeError(err, "file");
  }
  const base: CatalogueBase = ref.kind === "url" ? { url: ref.url } : { file: ref.file };
  // How rows are named in errors: the file's name, or plain "products" for an upload (it has no name here).
  const name = ref.kind === "url" ? new URL(ref.url).pathname.split("/").pop() || "catalogue" : ref.file.kind === "example" ? ref.file.name.split("/").pop()! : "";
  const label = name ? `${name} products` : "products";
  // An upload has no file name: unless its type says JSON, text that does not open like JSON is CSV.
  const looksCsv = ref.kind === "file" && ref.file.kind === "upload" && !/json/i.test(contentType ?? "") && !/^\s*[[{]/.test(text);
  if (looksCsv || /\.csv$/i.test(ref.kind === "url" ? new URL(ref.url).pathname : ref.file.name) || /text\/csv/i.test(contentType ?? "")) {
    try {
      return { rows: csvToRows(text), base, label };
    } catch (err) {
      throw new PermanentNodeError(`file: ${name || file} is not valid CSV: ${(err as Error).message}`, "NODE_INPUT_INVALID", { field: "file" });
    }
  }
  let data: unknown;
  try {
    data = parseJsonText(text);
  } catch (err) {
    // The parse error says where, never what: the text is not echoed back.
    const why = err instanceof JsonTextError ? err.message : "not valid JSON";
    throw new PermanentNodeError(`file: ${name || file} is neither CSV (by extension) nor JSON: ${why}`, "NODE_INPUT_INVALID", { field: "file" });
  }
  if (Array.isArray(data)) return { rows: data, base, label };
  if (data && typeof data === "object" && Array.isArray((data as { products?: unknown }).products)) {
    const d = data as { products: unknown[]; brand?: unknown };
    return { rows: d.products, brand: d.brand, base, label };
  }
  throw new PermanentNodeError(`file: ${name || file} must hold a list of products or an object with a "products" list`, "NODE_INPUT_INVALID", { field: "file" });
}

function asNodeError(err: unknown, field: string): Error {
  if (err instanceof SourceError) return err.permanent ? new PermanentNodeError(err.message, err.code, { field }) : new Error(err.message);
  return err as Error;
}

/** Every image reference checked (paths refused before any byte is read), or every problem found. */
async function locateAll(ctx: NodeContext, wanted: { field: string; value: string }[], base: CatalogueBase): Promise<SourceRef[]> {
  const refs: SourceRef[] = [];
  const errors: { field: string; code: string; message: string }[] = [];
  for (const w of wanted) {
    try {
      refs.push(await locate(ctx, w.value, w.field, base));
    } catch (err) {
      if (!(err instanceof SourceError)) throw err;
      errors.push({ field: w.field, code: err.code, message: err.message });
    }
  }
  if (errors.length) {
    const code = errors.find((e) => e.code !== "NODE_INPUT_INVALID")?.code ?? "NODE_INPUT_INVALID";
    throw new PermanentNodeError(errors.map((e) => e.message).join("\n"), code, { errors });
  }
  return refs;
}

async function storeImage(ctx: NodeContext, ref: SourceRef, field: string): Promise<MediaRef> {
  try {
    const { data } = await readSource(ctx, ref, field);
    const img = await normaliseImage(data).catch((err: unknown) => {
      throw err instanceof SourceError ? new SourceError(`${field}: ${sourceLabel(ref)}: ${err.message}`, true) : err;
    });
    return await ctx.storage.put(img.data, { mime: img.mime, meta: { source: sourceLabel(ref) } });
  } catch (err) {
    throw asNodeError(err, field);
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
  secrets: [],
  // Reads uploads or an allowed catalogue file and fetches remote images: seconds, but a slow host may take a while.
  timeoutMs: 5 * 60_000,
  estimate: (config) => ({ usd: 0, seconds: 1 + 0.3 * (listSize(config) ?? 5) }),
  listSizeHint: (config) => listSize(config),
  async run(_inputs, config, ctx) {
    if (config.allowHosts !== undefined) ctx.log(ALLOW_HOSTS_IGNORED, "warn");
    const catalogue = await readCatalogue(ctx, config);

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

    // Every reference is checked before anything is read or fetched.
    const wanted = rows.flatMap((row, i) => row.images.map((value, j) => ({ field: `${catalogue.label}[${i}].images[${j}]`, value })));
    if (brandKit.logo) wanted.push({ field: "brand.logo", value: brandKit.logo });
    const refs = await locateAll(ctx, wanted, catalogue.base);

    // Read every image before failing, so one run reports all unreachable ones.
    const stored: MediaRef[] = [];
    const imageErrors: string[] = [];
    let transient: Error | undefined;
    for (const [k, ref] of refs.entries()) {
      try {
        stored[k] = await storeImage(ctx, ref, wanted[k].field);
      } catch (err) {
        if (err instanceof PermanentNodeError) imageErrors.push(err.message);
        else transient ??= err as Error;
      }
      ctx.progress((k + 1) / refs.length);
    }
    if (imageErrors.length) throw new PermanentNodeError(imageErrors.join("\n"), "NODE_INPUT_INVALID", { errors: imageErrors });
    if (transient) throw transient;

    let k = 0;
    const products: Product[] = rows.map((row) => toProduct(row as ProductRow & { id: string }, row.images.map(() => stored[k++])));
    const logo = brandKit.logo ? stored[k] : undefined;
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
