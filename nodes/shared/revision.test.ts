import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaRef } from "../../schemas/index.js";
import { imageGenerate } from "../image-generate/definition.js";
import { promptParse } from "../prompt-parse/definition.js";
import { notesFor, withRevisionNotes } from "./revision.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../test/node-context.js";

let h: NodeTestHarness;
beforeAll(async () => {
  h = await createNodeTestHarness();
});
afterAll(() => h?.close());

describe("revision notes", () => {
  it("apply to the items they came from: prefix paths either way, '' to all", () => {
    const notes = [
      { item: "1", notes: "warmer light" },
      { item: "", notes: "no text in the picture" },
      { item: "2.0", notes: "closer crop" },
    ];
    expect(notesFor(notes, "1.3")).toEqual(["warmer light", "no text in the picture"]);
    expect(notesFor(notes, "2")).toEqual(["no text in the picture", "closer crop"]);
    expect(notesFor(notes, "10")).toEqual(["no text in the picture"]);
    expect(notesFor(notes, "")).toEqual(["warmer light", "no text in the picture", "closer crop"]);
    expect(withRevisionNotes("a lamp", [])).toBe("a lamp");
    expect(withRevisionNotes("a lamp", ["warmer light", "no text"])).toBe("a lamp. Reviewer notes: warmer light; no text");
  });

  it("image.generate adds the notes for its item to the prompt", async () => {
    const config = { revisionNotes: [{ item: "0", notes: "show the lamp switched on" }] };
    const mine = (await h.run(imageGenerate, { prompt: "a desk lamp" }, config, { item: "0" })) as { image: MediaRef };
    expect(mine.image.meta.prompt).toBe("a desk lamp. Reviewer notes: show the lamp switched on");
    const other = (await h.run(imageGenerate, { prompt: "a desk lamp" }, config, { item: "1" })) as { image: MediaRef };
    expect(other.image.meta.prompt).toBe("a desk lamp");
  });

  it("prompt.parse adds them to every shot and scene prompt", async () => {
    const product = { id: "p1", name: "Aurora Lamp", description: "A lamp.", price: 10, currency: "USD", category: "lighting", images: [], attributes: {} };
    const out = (await h.run(promptParse, { product }, { revisionNotes: [{ item: "", notes: "darker background" }] })) as {
      shots: { prompt: string }[];
      scenes: { prompt: string }[];
    };
    expect(out.shots.every((s) => s.prompt.endsWith("Reviewer notes: darker background"))).toBe(true);
    expect(out.scenes.every((s) => s.prompt.endsWith("Reviewer notes: darker background"))).toBe(true);
  });
});
