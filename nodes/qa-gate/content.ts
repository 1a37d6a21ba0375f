/**
 * Content accuracy: do the texts burnt into the video name the product and show its real price?
 * Prices are read the way the overlay formats them in any of our languages ("$1,299.00",
 * "1.299,00 kr.", "49,99 €"), so a wrong price is caught whatever the locale.
 */
import type { Product } from "../../schemas/content.js";
import type { CheckResult } from "../shared/qa-report.js";

const CURRENCY_MARK = /^(?:[$€£¥]|kr\.?|dkk|sek|nok|eur|usd|gbp|chf|jpy)$/i;

/** Every string in a texts value (AdTexts object, list of strings, nested objects). */
export function collectTexts(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    if (value.trim()) out.push(value);
  } else if (Array.isArray(value)) for (const v of value) collectTexts(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) collectTexts(v, out);
  return out;
}

export interface PriceMention {
  text: string;
  /** Every value the digits can mean ("1.299" is 1299 in Danish and 1.299 in English). */
  values: number[];
}

/** Numbers that look like prices: next to a currency mark, or written with two decimals. */
export function findPrices(text: string): PriceMention[] {
  const found: PriceMention[] = [];
  const re = /\d{1,3}(?:[.,\s\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?/g;
  for (const m of text.matchAll(re)) {
    const raw = m[0];
    const start = m.index ?? 0;
    const before = text.slice(Math.max(0, start - 4), start).trim().split(/\s+/).pop() ?? "";
    const after = text.slice(start + raw.length, start + raw.length + 5).trim().split(/[\s,;!]+/)[0] ?? "";
    if (after.startsWith("%")) continue;
    const marked = CURRENCY_MARK.test(before) || CURRENCY_MARK.test(before.slice(-1)) || CURRENCY_MARK.test(after) || CURRENCY_MARK.test(after.slice(0, 1));
    const twoDecimals = /[.,]\d{2}$/.test(raw);
    if (!marked && !twoDecimals) continue;
    found.push({ text: raw, values: interpretations(raw) });
  }
  return found;
}

function interpretations(raw: string): number[] {
  const s = raw.replace(/[\s\u00a0\u202f]/g, "");
  const values = new Set<number>();
  // Decimal point ".", thousands ","  -- and the other way round.
  for (const [dec, thou] of [
    [".", ","],
    [",", "."],
  ]) {
    const parts = s.split(dec);
    if (parts.length > 2) continue;
    const intPart = parts[0].split(thou).join("");
    if (!/^\d+$/.test(intPart)) continue;
    const frac = parts[1];
    if (frac !== undefined && !/^\d{1,2}$/.test(frac)) continue;
    values.add(Number(frac === undefined ? intPart : `${intPart}.${frac}`));
  }
  return [...values];
}

const normalise = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

export function contentChecks(texts: string[] | undefined, product: Product | undefined): CheckResult[] {
  if (!product) {
    return [{ id: "product_name", label: "Product name in overlay", status: "skipped", severity: "medium", message: "no product given to compare the overlay with" }];
  }
  if (!texts || texts.length === 0) {
    return [
      { id: "product_name", label: "Product name in overlay", status: "skipped", severity: "medium", message: "no overlay texts given (connect the composite's texts)" },
      { id: "price", label: "Price in overlay", status: "skipped", severity: "high", message: "no overlay texts given" },
    ];
  }
  const all = normalise(texts.join(" \n "));
  const name = normalise(product.name);
  const named = all.includes(name);
  const checks: CheckResult[] = [
    {
      id: "product_name",
      label: "Product name in overlay",
      status: named ? "pass" : "fail",
      severity: "medium",
      measured: { texts },
      expected: { productName: product.name },
      message: named ? `the overlay names "${product.name}"` : `no overlay text names the product "${product.name}"`,
    },
  ];
  const mentions = texts.flatMap((t) => findPrices(t));
  const wrong = mentions.filter((m) => !m.values.some((v) => Math.abs(v - product.price) < 0.005));
  const shown = mentions.map((m) => m.text);
  checks.push({
    id: "price",
    label: "Price in overlay",
    status: wrong.length ? "fail" : "pass",
    severity: "high",
    measured: { prices: shown },
    expected: { price: product.price, currency: product.currency },
    message: wrong.length
      ? `the overlay shows ${wrong.map((w) => w.text).join(", ")} but ${product.name} costs ${product.price} ${product.currency}`
      : shown.length
        ? `the overlay price ${shown.join(", ")} matches ${product.price} ${product.currency}`
        : "no price shown in the overlay",
  });
  return checks;
}
