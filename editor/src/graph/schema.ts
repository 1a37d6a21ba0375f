/**
 * Reading node config JSON Schemas (as zod's toJSONSchema writes them) for the inspector form:
 * what kind of input a field needs and its default. Checking a value is zod's job
 * (form/config-issues.ts), so the form and the compiler word every problem the same way.
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
