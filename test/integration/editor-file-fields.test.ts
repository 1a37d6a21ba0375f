/**
 * The editor's file-field detection (editor/src/uploads/fields.ts) against a real node's config
 * schema, converted to JSON Schema as the server's catalogue sends it. It lives under test/ because
 * it joins two layers: editor code may import only schemas/, so the editor's own tests cannot
 * reach a node definition.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { JsonSchema } from "../../editor/src/graph/schema.js";
import { fileFieldAccept } from "../../editor/src/uploads/fields.js";
import { AssetSourceConfigSchema } from "../../nodes/asset-source/definition.js";

// The same conversion the server's catalog uses (nodes/registry.ts describeNode).
const toSchema = (t: z.ZodType) => z.toJSONSchema(t, { io: "input", unrepresentable: "any" }) as JsonSchema;

/** Every string field of a schema as the form names it (list items as `name[0]`), with what it accepts. */
function fileFields(s: JsonSchema, prefix = "", key = ""): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (s.type === "string" && !s.enum) out[prefix] = fileFieldAccept(s, key);
  for (const [k, p] of Object.entries(s.properties ?? {})) Object.assign(out, fileFields(p, prefix ? `${prefix}.${k}` : k, k));
  if (s.items) Object.assign(out, fileFields(s.items, `${prefix}[0]`, `${key}[0]`));
  return out;
}

describe("file fields of a real node", () => {
  it("finds asset.source's catalogue file, product images and brand logo, and nothing else", () => {
    const fields = fileFields(toSchema(AssetSourceConfigSchema));
    expect(fields.file).toBe("catalogue");
    expect(fields["products[0].images[0]"]).toBe("image");
    expect(fields["brand.logo"]).toBe("image");
    const others = Object.entries(fields).filter(([k, v]) => v !== null && !["file", "products[0].images[0]", "brand.logo"].includes(k));
    expect(others).toEqual([]);
    expect(fields["products[0].name"]).toBeNull();
    expect(fields["brand.tone"]).toBeNull();
  });

});
