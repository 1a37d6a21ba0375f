/**
 * Ad text templates: `{{product_name}} now {{price}}`. Known placeholders are checked when the
 * config is validated (so an unknown one is a compile error naming it); `{{attr.<name>}}` reads a
 * product attribute and is checked per product when it runs.
 */
import type { Brand, Product } from "../../schemas/content.js";

export const PLACEHOLDERS = ["product_name", "product_id", "price", "currency", "category", "description", "brand_name", "cta", "headline"] as const;
const PLACEHOLDER_RE = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER_RE)].map((m) => m[1]);
}

/** Placeholders in `template` that no product could fill. */
export function unknownPlaceholders(template: string, allowed: readonly string[] = PLACEHOLDERS): string[] {
  return placeholdersIn(template).filter((p) => !allowed.includes(p) && !/^attr\.[\w-]+$/.test(p));
}

export function describeKnownPlaceholders(allowed: readonly string[] = PLACEHOLDERS): string {
  return [...allowed.map((p) => `{{${p}}}`), "{{attr.<name>}}"].join(", ");
}

export const LOCALES = { en: "en-US", da: "da-DK", de: "de-DE", sv: "sv-SE" } as const;
export type Language = keyof typeof LOCALES;

export function formatPrice(price: number, currency: string, language: Language): string {
  try {
    return new Intl.NumberFormat(LOCALES[language], { style: "currency", currency }).format(price);
  } catch {
    return `${price.toFixed(2)} ${currency}`;
  }
}

export interface TemplateValues {
  product: Product;
  brand?: Brand;
  language: Language;
  extra?: Record<string, string>;
}

/** Fill a template. Throws an Error naming the placeholder when a product lacks an attribute. */
export function renderTemplate(template: string, v: TemplateValues): string {
  const values: Record<string, string> = {
    product_name: v.product.name,
    product_id: v.product.id,
    price: formatPrice(v.product.price, v.product.currency, v.language),
    currency: v.product.currency,
    category: v.product.category,
    description: v.product.description,
    brand_name: v.brand?.name ?? "",
    ...v.extra,
  };
  const out = template.replace(PLACEHOLDER_RE, (_m, name: string) => {
    const attr = /^attr\.(.+)$/.exec(name);
    if (attr) {
      const value = v.product.attributes[attr[1]];
      if (value === undefined) {
        const have = Object.keys(v.product.attributes);
        throw new Error(`{{${name}}}: product "${v.product.id}" has no attribute "${attr[1]}" (it has: ${have.length ? have.join(", ") : "none"})`);
      }
      return String(value);
    }
    if (!(name in values)) throw new Error(`unknown placeholder {{${name}}}`);
    return values[name];
  });
  return out.replace(/\s+/g, " ").replace(/\s+([.,!?])/g, "$1").trim();
}
