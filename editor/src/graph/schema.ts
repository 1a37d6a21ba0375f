/**
 * Reading node config JSON Schemas (as zod's toJSONSchema writes them) for the inspector form:
 * what kind of input a field needs, its default, and client-side validation messages shown
 * beside the field while typing (the compiler's INVALID_CONFIG errors arrive a moment later).
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  default?: unknown;
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
};

export type FieldKind = "enum" | "color" | "text" | "textarea" | "number" | "integer" | "boolean" | "array" | "object" | "json";

export interface FieldIssue {
  path: string;
  message: string;
}

/** Follow a local $ref ("#/$defs/X") against the root schema. */
export function deref(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 10 && s.$ref; i++) {
    const parts = s.$ref.replace(/^#\//, "").split("/");
    let target: unknown = root;
    for (const p of parts) target = (target as Record<string, unknown> | undefined)?.[p];
    if (!target || typeof target !== "object") break;
    const { $ref: _ignored, ...rest } = s;
    s = { ...(target as JsonSchema), ...rest };
  }
  return s;
}

/** `T | null` unions become T with nullable = true; other unions are left as they are. */
export function unwrapNullable(schema: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const s = deref(schema, root);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) {
    const nonNull = variants.filter((v) => deref(v, root).type !== "null");
    if (nonNull.length === 1 && nonNull.length < variants.length) {
      const { anyOf: _a, oneOf: _o, ...rest } = s;
      return { schema: { ...rest, ...deref(nonNull[0], root) }, nullable: true };
    }
  }
  return { schema: s, nullable: false };
}

/** The enum values of a field (enum, or a union of consts). */
export function enumValues(s: JsonSchema): unknown[] | null {
  if (Array.isArray(s.enum)) return s.enum;
  const variants = s.anyOf ?? s.oneOf;
  if (variants && variants.length > 0 && variants.every((v) => "const" in v)) return variants.map((v) => v.const);
  if ("const" in s) return [s.const];
  return null;
}

const HEX_COLOR = /^\^?#\[?|#\[0-9a-f/i;
const MULTILINE_KEYS = /prompt|script|notes|description|caption|template|body|instructions|text$/i;

export function fieldKind(s: JsonSchema, key: string): FieldKind {
  if (enumValues(s)) return "enum";
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string":
      if (s.format === "color" || s["x-widget"] === "color" || (s.pattern && HEX_COLOR.test(s.pattern)) || /colou?r$/i.test(key)) return "color";
      if (s.format === "textarea" || s["x-widget"] === "textarea" || (s.maxLength ?? 0) > 200 || MULTILINE_KEYS.test(key)) return "textarea";
      return "text";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    case "array":
      return "array";
    case "object":
      return s.properties ? "object" : "json";
    default:
      return "json";
  }
}

/** An empty value for a new list entry of this schema. */
export function emptyValue(s: JsonSchema, root: JsonSchema): unknown {
  const { schema } = unwrapNullable(s, root);
  if (schema.default !== undefined) return structuredClone(schema.default);
  const values = enumValues(schema);
  if (values) return values[0];
  switch (fieldKind(schema, "")) {
    case "number":
    case "integer":
      return schema.minimum ?? 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(schema.properties ?? {})) if (schema.required?.includes(k)) out[k] = emptyValue(p, root);
      return out;
    }
    case "color":
      return "#000000";
    case "json":
      return null;
    default:
      return "";
  }
}

const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Validation messages for `value` against `schema`, with dotted paths ("products.0.price"). */
export function validateValue(schema: JsonSchema, value: unknown, root: JsonSchema = schema, path = ""): FieldIssue[] {
  const { schema: s, nullable } = unwrapNullable(schema, root);
  const issues: FieldIssue[] = [];
  const at = (message: string) => issues.push({ path, message });
  if (value === undefined) return issues;
  if (value === null) {
    if (!nullable && s.type !== "null" && s.type !== undefined) at("Required");
    return issues;
  }
  const values = enumValues(s);
  if (values) {
    if (!values.some((v) => v === value)) at(`Choose one of: ${values.map(String).join(", ")}`);
    return issues;
  }
  const want = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const got = typeOf(value);
  if (want.length && !want.some((t) => t === got || (t === "integer" && got === "number") || (t === "number" && got === "number"))) {
    at(`Expected ${want.join(" or ")}, got ${got}`);
    return issues;
  }
  if (typeof value === "number") {
    if (want.includes("integer") && !Number.isInteger(value)) at("Must be a whole number");
    if (s.minimum !== undefined && value < s.minimum) at(`Must be at least ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) at(`Must be at most ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) at(`Must be more than ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) at(`Must be less than ${s.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) at(s.minLength === 1 ? "Required" : `At least ${s.minLength} characters`);
    if (s.maxLength !== undefined && value.length > s.maxLength) at(`At most ${s.maxLength} characters`);
    if (s.pattern) {
      try {
        if (!new RegExp(s.pattern, "u").test(value)) at(s.format === "color" || /colou?r/i.test(path) ? "Use a colour like #1a2b3c" : `Does not match the expected format`);
      } catch {
        // a pattern JS cannot compile is the server's to judge
      }
    }
    if (s.format === "uri" || s.format === "url") {
      try {
        new URL(value);
      } catch {
        at("Enter a full URL (https://...)");
      }
    }
    if (s.format === "email" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) at("Enter an email address");
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) at(`Add at least ${s.minItems} item${s.minItems === 1 ? "" : "s"}`);
    if (s.maxItems !== undefined && value.length > s.maxItems) at(`At most ${s.maxItems} items`);
    if (s.items) value.forEach((v, i) => issues.push(...validateValue(s.items!, v, root, join(path, String(i)))));
  } else if (got === "object" && s.properties) {
    const obj = value as Record<string, unknown>;
    for (const req of s.required ?? []) {
      if (obj[req] === undefined || obj[req] === "") issues.push({ path: join(path, req), message: "Required" });
    }
    for (const [k, p] of Object.entries(s.properties)) issues.push(...validateValue(p, obj[k], root, join(path, k)));
  }
  return issues;
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);
