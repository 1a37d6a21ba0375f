/**
 * Validation of catalogue rows (inline config, CSV or JSON file) and of brand kits, with errors that
 * name the row and field the way a person would look for them: `products[2].price: expected a
 * number, got "abc"`.
 */
import { z } from "zod";
import { AttributeValueSchema, BrandColorsSchema } from "../../schemas/content.js";

const shown = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

/** A number, or a string holding one ("12.50", "1 299,00" is not: no locale guessing). */
export const PriceSchema = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v.trim())) ? Number(v.trim()) : v),
  z
    .number({ error: (iss) => `expected a number, got ${shown(iss.input)}` })
    .nonnegative({ error: (iss) => `a price cannot be negative, got ${shown(iss.input)}` }),
);

const requiredText = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `required: ${what}` : `expected text, got ${shown(iss.input)}`) })
    .trim()
    .min(1, { error: `required: ${what}` });

export const ProductRowSchema = z.object({
  id: z.string().trim().min(1).optional().describe("Stable id; derived from the name when empty"),
  name: requiredText("a product needs a name").describe("Product name, used in prompts and the headline"),
  description: z.string().default("").describe("One or two sentences about the product"),
  price: PriceSchema.describe("Price as a number (12.5), in `currency`"),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { error: (iss) => `expected a 3-letter currency code like EUR, got ${shown(iss.input)}` })
    .transform((s) => s.toUpperCase())
    .default("EUR")
    .describe("ISO 4217 code: EUR, USD, DKK..."),
  category: z.string().default("").describe("Catalogue category"),
  images: z
    .array(z.string().trim().min(1, { error: "an image path or URL cannot be empty" }), {
      error: (iss) => `expected a list of image paths or URLs, got ${shown(iss.input)}`,
    })
    .min(1, { error: "required: a product needs at least one image (path or http(s) URL)" })
    .describe("Image paths or http(s) URLs; the first is the main product photo"),
  attributes: z.record(z.string(), AttributeValueSchema).default({}).describe("Free attributes (colour, size...)"),
});
export type ProductRow = z.output<typeof ProductRowSchema>;

export const BrandKitConfigSchema = z.strictObject({
  name: z.string().trim().min(1, { error: "required: the brand needs a name" }).default("Northwind Goods").describe("Brand name shown on intro/outro cards"),
  colors: BrandColorsSchema.default(BrandColorsSchema.parse({})).describe("Brand colours as hex (#1a2b3c)"),
  fonts: z
    .strictObject({
      heading: z.string().default("DejaVu Sans").describe("Headline font (mapped to the closest shipped font)"),
      body: z.string().default("DejaVu Sans").describe("Body font (disclaimer, small text)"),
    })
    .default({ heading: "DejaVu Sans", body: "DejaVu Sans" }),
  tone: z.string().default("warm, confident, concise").describe("Tone of voice for scripts"),
  logo: z.string().optional().describe("Logo image path or http(s) URL"),
});
export type BrandKitConfig = z.output<typeof BrandKitConfigSchema>;

/** `["products", 2, "price"]` -> `products[2].price` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** One line per zod issue, each starting with the field path under `prefix`. */
export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.map((i) => {
    const where = formatPath([...prefix, ...i.path]);
    return where ? `${where}: ${i.message}` : i.message;
  });
}

/** Rows as parsed from a file or the config: validate each, collecting every error before failing. */
export function validateRows(rows: unknown[], label = "products"): { rows: ProductRow[]; errors: string[] } {
  const out: ProductRow[] = [];
  const errors: string[] = [];
  rows.forEach((raw, i) => {
    const r = ProductRowSchema.safeParse(normaliseRowShape(raw));
    if (r.success) out.push(r.data);
    else errors.push(...formatIssues(r.error, [label, i]));
  });
  const seen = new Map<string, number>();
  out.forEach((row, i) => {
    const id = row.id ?? slug(row.name);
    row.id = id;
    const prev = seen.get(id);
    if (prev !== undefined) errors.push(`${label}[${i}].id: duplicate id "${id}" (also ${label}[${prev}])`);
    else seen.set(id, i);
  });
  return { rows: out, errors };
}

/** Accept the common spellings of a row: `image` for one image, a single string for `images`. */
function normaliseRowShape(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const r = { ...(raw as Record<string, unknown>) };
  if (r.images === undefined && typeof r.image === "string") r.images = [r.image];
  else if (typeof r.images === "string") r.images = r.images.split("|").map((s) => s.trim()).filter(Boolean);
  delete r.image;
  return r;
}

export function slug(s: string): string {
  return (
    s
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "product"
  );
}
