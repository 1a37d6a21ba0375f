/**
 * Node types used only by engine tests (never registered in the product). Each is real code run
 * by the real engine; they exist so the engine can be tested without media or providers.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { NodeRegistry } from "../nodes/registry.js";
import { defineNode, PermanentNodeError } from "../nodes/contract.js";

export const constNode = defineNode({
  type: "test.const",
  version: 1,
  title: "Constant",
  category: "test",
  description: "Outputs its configured value",
  inputs: [],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({ value: z.unknown().default(null) }),
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config) {
    return { out: config.value ?? null };
  },
});

export const listNode = defineNode({
  type: "test.list",
  version: 1,
  title: "List",
  category: "test",
  description: "Outputs a list of numbers 0..count-1 (or the configured items)",
  inputs: [],
  outputs: [{ name: "items", type: "json", list: true }],
  config: z.object({ count: z.number().int().min(0).default(3), items: z.array(z.unknown()).optional() }),
  estimate: () => ({ usd: 0, seconds: 0 }),
  listSizeHint: (c) => c.items?.length ?? c.count,
  async run(_inputs, config) {
    return { items: config.items ?? Array.from({ length: config.count }, (_, i) => i) };
  },
});

/** Adds `add` to a number, or joins inputs; records every execution in a shared table for assertions. */
export const stepNode = defineNode({
  type: "test.step",
  version: 1,
  title: "Step",
  category: "test",
  description: "Transforms its input; can be slow, flaky or paid",
  inputs: [
    { name: "in", type: "json", required: false },
    { name: "other", type: "json", required: false },
  ],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({
    add: z.number().default(0),
    tag: z.string().default(""),
    delayMs: z.number().int().min(0).default(0),
    /** Fail this many attempts before succeeding (per provider stage). */
    failAttempts: z.number().int().min(0).default(0),
    /** Providers whose every attempt fails. */
    brokenProviders: z.array(z.string()).default([]),
    provider: z.string().default("primary"),
    fallback: z.array(z.object({ provider: z.string() })).default([]),
    usd: z.number().min(0).default(0),
    permanentError: z.boolean().default(false),
    /** Providers that refuse with a permanent error (like a missing API token). */
    refusingProviders: z.array(z.string()).default([]),
  }),
  providers: ["primary", "backup"],
  providerOf: (c) => c.provider,
  paid: (c) => c.usd > 0,
  estimate: (c) => ({ usd: c.usd, seconds: c.delayMs / 1000 }),
  fallbacks: (c) => [c, ...c.fallback.map((f) => ({ ...c, provider: f.provider }))],
  async run(inputs, config, ctx) {
    ctx.log(`step ${ctx.nodeId} item ${ctx.item || "-"} attempt ${ctx.attempt} via ${config.provider}`);
    if (config.delayMs) await sleep(config.delayMs, undefined, { signal: ctx.signal });
    if (config.permanentError) throw new PermanentNodeError("bad input for step", "STEP_BAD_INPUT");
    if (config.refusingProviders.includes(config.provider)) throw new PermanentNodeError(`${config.provider} needs a token`, "TOKEN_MISSING");
    if (config.brokenProviders.includes(config.provider)) throw new Error(`${config.provider} is down`);
    if (ctx.attempt <= config.failAttempts) throw new Error(`flaky failure on attempt ${ctx.attempt}`);
    if (config.usd) ctx.cost(config.usd, `${config.provider} x1`);
    ctx.progress(1);
    const base = inputs.in;
    const value =
      inputs.other !== undefined ? { of: base ?? null, other: inputs.other } : typeof base === "number" ? base + config.add : base === undefined ? config.add : base;
    return { out: config.tag ? { tag: config.tag, value, via: config.provider } : value };
  },
});

/** Does nothing but pass its input on: the per-step floor of the engine (benchmarks). */
export const passNode = defineNode({
  type: "test.pass",
  version: 1,
  title: "Pass",
  category: "test",
  description: "Passes its input on unchanged",
  inputs: [{ name: "in", type: "json", required: false }],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({ salt: z.unknown().optional() }),
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(inputs) {
    return { out: inputs.in ?? null };
  },
});

/** One value in, a list out: mapped over a list, it makes a list of lists (nested fan-out). */
export const repeatNode = defineNode({
  type: "test.repeat",
  version: 1,
  title: "Repeat",
  category: "test",
  description: "Repeats its input `times` times",
  inputs: [{ name: "in", type: "json" }],
  outputs: [{ name: "items", type: "json", list: true }],
  config: z.object({ times: z.number().int().min(0).default(2) }),
  estimate: () => ({ usd: 0, seconds: 0 }),
  listSizeHint: (c) => c.times,
  async run(inputs, config) {
    return { items: Array.from({ length: config.times }, (_, i) => ({ value: inputs.in, copy: i })) };
  },
});

/** Joins a list input (gathering). */
export const collectNode = defineNode({
  type: "test.collect",
  version: 1,
  title: "Collect",
  category: "test",
  description: "Takes a whole list",
  inputs: [{ name: "items", type: "json", list: true }],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({}),
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(inputs) {
    return { out: inputs.items };
  },
});

export const typedNode = defineNode({
  type: "test.image",
  version: 1,
  title: "Image sink",
  category: "test",
  description: "Only accepts images (for type checks)",
  inputs: [{ name: "image", type: "image" }],
  outputs: [{ name: "video", type: "video" }],
  config: z.object({ fps: z.number().int().min(1).max(120).default(24), mode: z.enum(["a", "b"]).default("a") }),
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run() {
    throw new Error("not used at run time");
  },
});

export const waitNode = defineNode({
  type: "test.wait",
  version: 1,
  title: "Wait",
  category: "test",
  description: "Pauses for a decision",
  inputs: [{ name: "in", type: "json" }],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({}),
  cacheable: false,
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(inputs, _c, ctx) {
    return ctx.suspend({ question: "approve?", value: inputs.in });
  },
});

/**
 * Claims to output images but emits whatever it is configured with: the upstream node that hands
 * a wrong value to a typed port (a buggy node, a stale cache entry), for the engine's port checks.
 */
export const emitImageNode = defineNode({
  type: "test.emit-image",
  version: 1,
  title: "Emit image",
  category: "test",
  description: "Outputs its configured values on image ports, unchecked",
  inputs: [],
  outputs: [
    { name: "image", type: "image" },
    { name: "images", type: "image", list: true },
  ],
  config: z.object({ image: z.unknown().default(null), images: z.array(z.unknown()).default([]) }),
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config) {
    return { image: config.image ?? null, images: config.images };
  },
});

/** Reads an image input: the typed sink the port checks protect. */
export const imageSizeNode = defineNode({
  type: "test.image-size",
  version: 1,
  title: "Image size",
  category: "test",
  description: "Outputs the width of its image",
  inputs: [{ name: "image", type: "image" }],
  outputs: [{ name: "width", type: "json" }],
  config: z.object({}),
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(inputs) {
    return { width: inputs.image.meta.width ?? null };
  },
});

/**
 * Hangs for `hangMs` on its first `hangAttempts` attempts (ignoring ctx.signal when `ignoreSignal`),
 * then answers: a node past its 150 ms timeout, for the engine's NODE_TIMEOUT and retries.
 */
export const slowNode = defineNode({
  type: "test.slow",
  version: 1,
  title: "Slow",
  category: "test",
  description: "Takes too long on its first attempts",
  inputs: [],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({ hangAttempts: z.number().int().min(0).default(1), hangMs: z.number().int().min(0).default(5_000), ignoreSignal: z.boolean().default(false) }),
  secrets: [],
  timeoutMs: 150,
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config, ctx) {
    if (ctx.attempt <= config.hangAttempts) {
      if (config.ignoreSignal) await sleep(config.hangMs);
      else await sleep(config.hangMs, undefined, { signal: ctx.signal });
      // Only a node that ignored its signal gets here past the timeout: none of this may be kept.
      ctx.log(`attempt ${ctx.attempt} woke up late`);
      ctx.cost(0.5, "late work");
    }
    return { out: { attempt: ctx.attempt, aborted: ctx.signal.aborted } };
  },
});

/** Reads the secret its config names; declares only TEST_DECLARED: for the undeclared-secret check. */
export const secretNode = defineNode({
  type: "test.secret",
  version: 1,
  title: "Secret",
  category: "test",
  description: "Reads one secret and says whether it was set",
  inputs: [],
  outputs: [{ name: "out", type: "json" }],
  config: z.object({ name: z.string().default("TEST_DECLARED") }),
  secrets: ["TEST_DECLARED"],
  timeoutMs: 10_000,
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config, ctx) {
    return { out: { set: ctx.secrets.get(config.name) !== undefined } };
  },
});

export const testRegistry = () =>
  new NodeRegistry([constNode, listNode, stepNode, passNode, repeatNode, collectNode, typedNode, waitNode, emitImageNode, imageSizeNode, slowNode, secretNode]);
