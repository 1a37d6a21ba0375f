import { describe, expect, it } from "vitest";
import { z } from "zod";
import { emptyValue, fieldKind, unwrapNullable, type JsonSchema } from "./schema.js";

// The same conversion the server's catalog uses (nodes/registry.ts describeNode).
const toSchema = (t: z.ZodType) => z.toJSONSchema(t, { io: "input", unrepresentable: "any" }) as JsonSchema;

const config = z.object({
  prompt: z.string().min(1).describe("What to draw"),
  aspect: z.enum(["9:16", "16:9", "1:1"]).default("9:16"),
  steps: z.number().int().min(1).max(50).default(4),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/).default("#ff0000"),
  webhook: z.string().url().optional(),
  seed: z.number().int().nullable().default(null),
  products: z.array(z.object({ sku: z.string().min(1), price: z.number().positive() })).min(1),
  loop: z.boolean().default(false),
});
const root = toSchema(config);

describe("config schema helpers", () => {
  it("picks an input kind for each field", () => {
    const p = root.properties!;
    expect(fieldKind(p.prompt, "prompt")).toBe("textarea");
    expect(fieldKind(p.aspect, "aspect")).toBe("enum");
    expect(fieldKind(p.steps, "steps")).toBe("integer");
    expect(fieldKind(p.accentColor, "accentColor")).toBe("color");
    expect(fieldKind(p.webhook, "webhook")).toBe("text");
    expect(fieldKind(unwrapNullable(p.seed, root).schema, "seed")).toBe("integer");
    expect(unwrapNullable(p.seed, root).nullable).toBe(true);
    expect(fieldKind(p.products, "products")).toBe("array");
    expect(fieldKind(p.loop, "loop")).toBe("boolean");
  });

  it("builds an empty list entry with its required fields", () => {
    expect(emptyValue(root.properties!.products.items!, root)).toEqual({ sku: "", price: 0 });
  });
});
