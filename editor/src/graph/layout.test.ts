import { expect, it } from "vitest";
import { layoutGraph } from "./layout.js";

it("lays a chain out left to right without overlaps, anchored where the nodes were", () => {
  const nodes = ["a", "b", "c", "d"].map((id, i) => ({ id, width: 200, height: 100 + i * 10, position: { x: 500 + i * 3, y: 40 } }));
  const pos = layoutGraph(nodes, [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
    { source: "a", target: "d" },
  ]);
  expect(pos.a.x).toBeLessThan(pos.b.x);
  expect(pos.b.x).toBeLessThan(pos.c.x);
  expect(Math.min(...Object.values(pos).map((p) => p.x))).toBe(500);
  expect(Math.min(...Object.values(pos).map((p) => p.y))).toBe(40);
  // b and d share a layer: they must not overlap vertically
  const [top, bottom] = [pos.b, pos.d].sort((p, q) => p.y - q.y);
  expect(bottom.y - top.y).toBeGreaterThanOrEqual(110);
});

it("places a new node where it covers nothing, near the asked spot", async () => {
  const { freeSpot } = await import("./layout.js");
  const existing = [{ x: 0, y: 0, width: 250, height: 140 }];
  expect(freeSpot(existing, { x: 500, y: 0 })).toEqual({ x: 500, y: 0 });
  const p = freeSpot(existing, { x: 10, y: 10 });
  const overlaps = p.x < 250 + 24 && p.x + 250 + 24 > 0 && p.y < 140 + 24 && p.y + 140 + 24 > 0;
  expect(overlaps).toBe(false);
  expect(Math.hypot(p.x - 10, p.y - 10)).toBeLessThan(400);
});
