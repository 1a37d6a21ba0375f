import { describe, expect, it } from "vitest";
import { ConditionConfigSchema } from "../../schemas/triggers.js";
import { diffFeed, type ItemState } from "./condition.js";
import { parseFeed } from "./feed.js";

const config = (o: Record<string, unknown> = {}) => ConditionConfigSchema.parse({ feed: "feed.json", target: { nodeId: "assets" }, ...o });
const snap = (entries: [string, ItemState][]) => new Map(entries);

describe("diffFeed (what changed since the last poll)", () => {
  const rows = [
    { id: "a", name: "A", price: 10, stock: 8 },
    { id: "b", name: "B", price: 20, stock: 2 },
  ];

  it("the first poll only learns the feed (baseline), unless told to fire", () => {
    expect(diffFeed(rows, new Map(), config(), true).changes).toEqual([]);
    expect(diffFeed(rows, new Map(), config({ firstPoll: "fire" }), true).changes.map((c) => c.key)).toEqual(["a", "b"]);
  });

  it("finds new products, price changes and stock crossing the thresholds, each with its reason", () => {
    const previous = snap([
      ["a", { price: 12, stock: 8 }],
      ["b", { price: 20, stock: 6 }],
    ]);
    const now = [...rows, { id: "c", name: "C", price: "5.5", stock: "0" }];
    const { changes } = diffFeed(now, previous, config({ stockBelow: 5 }), false);
    expect(changes.map((c) => [c.key, c.reasons])).toEqual([
      ["a", ["price changed 12 → 10"]],
      ["b", ["stock fell below 5 (6 → 2)"]],
      ["c", ["new product"]],
    ]);
  });

  it("a product that stays below the threshold does not fire again; rising above does", () => {
    const previous = snap([["b", { price: 20, stock: 2 }]]);
    expect(diffFeed([{ id: "b", price: 20, stock: 1 }], previous, config({ stockBelow: 5 }), false).changes).toEqual([]);
    const soldOut = snap([["b", { price: 20, stock: 0 }]]);
    const back = diffFeed([{ id: "b", price: 20, stock: 9 }], soldOut, config({ stockAbove: 0, onPriceChange: false }), false);
    expect(back.changes.map((c) => c.reasons)).toEqual([["stock rose above 0 (0 → 9)"]]);
    expect(diffFeed([{ id: "b", price: 20, stock: 9 }], previous, config({ stockAbove: 0 }), false).changes).toEqual([]);
  });

  it("reports rows it cannot tell apart instead of guessing", () => {
    const { problems, states } = diffFeed([{ price: 1 }, { id: "x" }, { id: "x" }], new Map(), config(), true);
    expect(problems).toEqual(['products[0]: no "id" or "name" to tell it apart', 'products[2]: "x" appears twice; the first is used']);
    expect([...states.keys()]).toEqual(["x"]);
  });

  it("parses JSON lists, { products } objects and CSV, with errors naming the problem", () => {
    expect(parseFeed('{"products":[{"id":"a"}]}', false, "f.json")).toEqual([{ id: "a" }]);
    expect(parseFeed("id,price,stock\na,10,3\n", true, "f.csv")).toEqual([{ id: "a", price: "10", stock: "3" }]);
    expect(() => parseFeed("{nope", false, "f.json")).toThrow(/f\.json is not valid JSON/);
    expect(() => parseFeed('{"items":[]}', false, "f.json")).toThrow(/must hold a list of products/);
    expect(() => parseFeed("[1]", false, "f.json")).toThrow(/products\[0\]: expected an object/);
  });
});
