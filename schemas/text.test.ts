import { describe, expect, it } from "vitest";
import { dotPath, Text, unsafeValueIn } from "./text.js";

describe("text that can be stored", () => {
  it("Text refuses NUL and lone surrogates, accepts any well-formed text", () => {
    expect(Text().safeParse("héllo 🎬 \n\t").success).toBe(true);
    expect(Text().safeParse("a\u0000b").error?.issues[0].message).toMatch(/NUL/);
    expect(Text().safeParse("x\ud800").error?.issues[0].message).toMatch(/surrogate/);
    expect(Text().safeParse("\udc00x").success).toBe(false);
    expect(Text().min(2).safeParse("a").success).toBe(false);
  });

  it("unsafeValueIn finds the first bad string, key, number or depth, with its path", () => {
    expect(unsafeValueIn({ a: [1, "ok", { b: true, c: null }] })).toBeNull();
    expect(unsafeValueIn({ a: [1, { b: "x\u0000" }] })).toEqual({ path: ["a", 1, "b"], message: expect.stringMatching(/NUL/) });
    expect(unsafeValueIn({ a: { "k\u0000": 1 } })?.path).toEqual(["a", "k\u0000"]);
    expect(unsafeValueIn({ n: JSON.parse("1e309") })).toEqual({ path: ["n"], message: "number is out of range" });
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(unsafeValueIn(deep)?.message).toBe("nested deeper than 64 levels");
    expect(unsafeValueIn(deep, 200_000)).toBeNull();
  });

  it("dotPath names the field, escaping what cannot be shown", () => {
    expect(dotPath([])).toBe("(body)");
    expect(dotPath(["nodes", 3, "config", "title"])).toBe("nodes.3.config.title");
    expect(dotPath(["a", "k\u0000"])).toBe("a.k\\u0000");
    expect(dotPath(["\ud800"])).toBe("\\ud800");
  });
});
