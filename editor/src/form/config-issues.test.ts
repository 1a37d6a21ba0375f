import { describe, expect, it } from "vitest";
import { z } from "zod";
import { configIssue, type CompileError } from "../../../schemas/compile.js";
import type { JsonSchema } from "../graph/schema.js";
import { compilerIssues, configIssues, messagesByPath } from "./config-issues.js";

// The same conversion the server's catalog uses (nodes/registry.ts describeNode).
const toSchema = (t: z.ZodType) => z.toJSONSchema(t, { io: "input", unrepresentable: "any" }) as JsonSchema;

const config = z.object({
  prompt: z.string().min(1).describe("What to draw"),
  aspect: z.enum(["9:16", "16:9", "1:1"]).default("9:16"),
  steps: z.number().int().min(1).max(50).default(4),
  accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/).default("#ff0000"),
  webhook: z.url().optional(),
  seed: z.number().int().nullable().default(null),
  products: z.array(z.object({ sku: z.string().min(1), price: z.number().positive() })).min(1),
  loop: z.boolean().default(false),
});
const root = toSchema(config);
const bad = { prompt: "", aspect: "4:3", steps: 2.5, accentColor: "red", webhook: "not a url", products: [{ sku: "a", price: -1 }, { price: 2 }] };

describe("the inspector's own check", () => {
  it("is zod's: the same issues, paths and words as the compiler's parse of the node config", () => {
    const own = configIssues(root, bad);
    const compiler = config.safeParse(bad).error!.issues.map(configIssue);
    expect(own).toEqual(compiler);
    expect(own.map((i) => i.path.join("."))).toEqual(["prompt", "aspect", "steps", "accentColor", "webhook", "products.0.price", "products.1.sku"]);
    expect(configIssues(root, { prompt: "ok", products: [{ sku: "a", price: 1 }] })).toEqual([]);
  });

  it("shows each message once per field, whether it came from typing or from the compiler", () => {
    const compiled: CompileError[] = config.safeParse(bad).error!.issues.map((i) => ({
      code: "INVALID_CONFIG",
      // The human sentence is for logs and the CLI; the form reads `issue`, never this text.
      message: `node "Image": ${i.path.join(".")}: ${i.message}`,
      nodeId: "img",
      field: i.path.join("."),
      issue: configIssue(i),
    }));
    compiled.push({ code: "MISSING_INPUT", message: 'node "img": input "prompt" is required', nodeId: "img", port: "prompt" });
    const messages = messagesByPath(configIssues(root, bad), compilerIssues(compiled));
    expect(messages("steps")).toEqual([compiled.find((e) => e.field === "steps")!.issue!.message]);
    expect(messages("products.1.sku")).toHaveLength(1);
    expect(messages("products")).toEqual([]);
    expect(messages("loop")).toEqual([]);
  });

  it("still shows the compiler's issue for a config the as-you-type check cannot see (a server-only rule)", () => {
    const serverOnly: CompileError = {
      code: "INVALID_CONFIG",
      message: 'node "img": steps: steps must be even on this provider',
      nodeId: "img",
      field: "steps",
      issue: { code: "custom", path: ["steps"], message: "steps must be even on this provider" },
    };
    const messages = messagesByPath(configIssues(root, { prompt: "ok", steps: 3, products: [{ sku: "a", price: 1 }] }), compilerIssues([serverOnly]));
    expect(messages("steps")).toEqual(["steps must be even on this provider"]);
  });
});
