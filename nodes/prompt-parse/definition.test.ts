import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeReplicate, type FakeReplicate } from "../../test/fakes/replicate-server.js";
import type { Brand, Product } from "../../schemas/content.js";
import { formatIssues } from "../shared/rows.js";
import { REPLICATE_MODELS } from "../providers/replicate/models.js";
import { createReplicateProvider } from "../providers/replicate/index.js";
import { promptParse } from "./definition.js";
import { consistencySeed } from "../../lib/seed.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../test/node-context.js";

const TOKEN = "r8_PromptParseTestToken_0123456789";
const LLAMA = REPLICATE_MODELS["llama-3-8b-instruct"].ref;
let h: NodeTestHarness;
let fake: FakeReplicate;

const product: Product = {
  id: "stride-sneaker",
  name: "Stride Runner",
  description: "Lightweight everyday running shoe.",
  price: 89.95,
  currency: "EUR",
  category: "Footwear",
  images: [],
  attributes: { colour: "ember red" },
};
const brand: Brand = {
  name: "Northwind Goods",
  colors: { primary: "#1f3a5f", secondary: "#f2a541", accent: "#ffd166", background: "#f4f1ea", text: "#ffffff" },
  fonts: { heading: "DejaVu Sans", body: "DejaVu Sans" },
  tone: "warm",
};

beforeAll(async () => {
  fake = await startFakeReplicate({ token: TOKEN });
  h = await createNodeTestHarness({
    secrets: { REPLICATE_API_TOKEN: TOKEN },
    providers: { replicate: (ctx) => createReplicateProvider(ctx, { baseUrl: fake.baseUrl, pollIntervalMs: 20, retry: { baseDelayMs: 10, maxDelayMs: 50 } }) },
  });
});
afterAll(async () => {
  await fake.close();
  await h.close();
});

const llmAnswer = (views: string[]) =>
  JSON.stringify({
    shots: views.map((v) => ({ view: v, prompt: `A crisp ${v} photo of the Stride Runner on warm paper` })),
    scenes: views.map((v) => ({ view: v, prompt: `gentle ${v} move`, camera: "orbit", motion: 0.3 })),
    voiceover: "Run lighter. The Stride Runner, now only €89.95.",
  });

describe("prompt.parse (rule-based)", () => {
  it("renders the template and gives every view the same consistency seed", async () => {
    const out = await h.run(promptParse, { product, brand }, { viewCount: 4, template: { headline: "{{product_name}} now {{price}}", cta: "Get yours at {{brand_name}}" } });
    expect(out.headline).toBe("Stride Runner now €89.95");
    expect(out.cta).toBe("Get yours at Northwind Goods");
    const shots = out.shots as { view: string; seed: number; prompt: string }[];
    expect(shots.map((s) => s.view)).toEqual(["front", "side", "detail", "lifestyle"]);
    expect(new Set(shots.map((s) => s.seed))).toEqual(new Set([consistencySeed("stride-sneaker")]));
    expect(shots[0].prompt).toContain("Stride Runner");
    expect(shots[0].prompt).toContain("soft studio lighting");
    const scenes = out.scenes as { camera: string; motion: number }[];
    expect(scenes.map((s) => s.camera)).toEqual(["zoom_in", "pan_right", "pan_up", "pan_left"]);
    expect(out.voiceover).toBe("Meet the Stride Runner. Lightweight everyday running shoe. Now only €89.95. Get yours at Northwind Goods.");
    expect(out.texts).toMatchObject({ headline: "Stride Runner now €89.95", disclaimer: "Price incl. VAT. While stocks last.", brandName: "Northwind Goods" });
    expect(promptParse.listSizeHint!(promptParse.config.parse({ viewCount: 4 }))).toBe(4);
    expect(h.costs.at(-1)).toEqual({ usd: 0, detail: "rule-based prompt parser" });
  });

  it("formats prices per language and reads product attributes", async () => {
    const out = await h.run(promptParse, { product }, { language: "de", template: { headline: "{{product_name}} in {{attr.colour}} für {{price}}" } });
    expect(out.headline).toBe("Stride Runner in ember red für 89,95 €");
  });

  it("rejects an unknown placeholder at config time, naming it and the field", () => {
    const r = promptParse.config.safeParse({ template: { headline: "{{product_name}} in {{colour}}", cta: "{{cta}}" } });
    expect(r.success).toBe(false);
    const messages = formatIssues(r.error!);
    expect(messages[0]).toMatch(/^template\.headline: unknown placeholder \{\{colour\}\}; known: \{\{product_name\}\}/);
    expect(messages[1]).toMatch(/^template\.cta: unknown placeholder \{\{cta\}\}/);
  });

  it("rejects a missing attribute and a bad product value, naming the field", async () => {
    await expect(h.run(promptParse, { product }, { template: { headline: "{{attr.size}}" } })).rejects.toThrow(
      'template.headline: {{attr.size}}: product "stride-sneaker" has no attribute "size" (it has: colour)',
    );
    await expect(h.run(promptParse, { product: { ...product, price: "abc" } }, {})).rejects.toThrow("input product.price:");
  });

  it("rejects unknown Replicate models at config time", () => {
    const r = promptParse.config.safeParse({ provider: "replicate", model: "gpt-9" });
    expect(formatIssues(r.error!)[0]).toMatch(/^model: unknown Replicate model "gpt-9" \(llm models: llama-3-8b-instruct/);
    const wrongKind = promptParse.config.safeParse({ provider: "replicate", model: "flux-schnell" });
    expect(formatIssues(wrongKind.error!)[0]).toBe('model: Replicate model "flux-schnell" makes image, not llm');
  });
});

describe("prompt.parse (replicate LLM)", () => {
  it("uses a valid LLM answer, keeping our seeds and texts", async () => {
    fake.script(LLAMA, [{ status: "succeeded", output: { kind: "text", text: llmAnswer(["front", "side"]) } }]);
    const out = await h.run(promptParse, { product, brand }, { provider: "replicate", viewCount: 2 });
    const shots = out.shots as { prompt: string; seed: number }[];
    expect(shots[0].prompt).toBe("A crisp front photo of the Stride Runner on warm paper");
    expect(shots[1].seed).toBe(consistencySeed("stride-sneaker"));
    expect((out.scenes as { camera: string }[])[0].camera).toBe("orbit");
    expect(out.voiceover).toBe("Run lighter. The Stride Runner, now only €89.95.");
    expect(out.headline).toBe("Stride Runner now €89.95");
    expect(h.costs.at(-1)!.usd).toBeGreaterThan(0);
  });

  it("repairs once: a second call carries the validation error and the first answer", async () => {
    const before = fake.requests.length;
    fake.script(LLAMA, [
      { status: "succeeded", output: { kind: "text", text: "Sure! Here are prompts: front looks great" } },
      { status: "succeeded", output: { kind: "text", text: "```json\n" + llmAnswer(["front", "side"]) + "\n```" } },
    ]);
    const out = await h.run(promptParse, { product }, { provider: "replicate", viewCount: 2 });
    expect((out.shots as { prompt: string }[])[1].prompt).toContain("side photo");
    const creates = fake.requests.slice(before).filter((r) => r.method === "POST" && r.path.includes("predictions"));
    expect(creates).toHaveLength(2);
    expect(JSON.stringify(creates[1].body)).toContain("Your previous answer was invalid");
  });

  it("falls back to the rule-based parser after a second bad answer", async () => {
    fake.script(LLAMA, [
      { status: "succeeded", output: { kind: "text", text: llmAnswer(["front"]) } },
      { status: "succeeded", output: { kind: "text", text: '{"shots": "nope"}' } },
    ]);
    const logs = h.logs.length;
    const out = await h.run(promptParse, { product }, { provider: "replicate", viewCount: 2 });
    expect((out.shots as { prompt: string }[])[0].prompt).toMatch(/^Studio product photograph of Stride Runner/);
    expect(h.logs.slice(logs).some((l) => l.level === "warn" && l.message.includes("using the rule-based parser"))).toBe(true);
  });
});

describe("prompt.parse languages", () => {
  it("uses the language's default texts, and a brandless call to action without a brand", async () => {
    const da = await h.run(promptParse, { product, brand }, { language: "da" });
    expect(da.headline).toBe("Stride Runner nu 89,95 €");
    expect(da.cta).toBe("Køb nu hos Northwind Goods");
    expect(da.voiceover).toBe("Mød Stride Runner. Lightweight everyday running shoe. Nu kun 89,95 €. Køb nu hos Northwind Goods.");
    const sv = await h.run(promptParse, { product }, { language: "sv" });
    expect(sv.cta).toBe("Köp nu");
    expect((sv.texts as { disclaimer: string }).disclaimer).toBe("Pris inkl. moms. Så länge lagret räcker.");
  });
});
