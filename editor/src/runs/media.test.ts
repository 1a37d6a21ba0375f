import { expect, it } from "vitest";
import { findMedia } from "./media.js";

const ref = (n: number, kind = "image") => ({ hash: String(n).repeat(64).slice(0, 64).replace(/[^a-f0-9]/g, "a"), mime: "image/png", size: 1, url: `/media/${n}`, kind, meta: {} });

it("finds media refs nested in outputs, once each, in order", () => {
  const a = { ...ref(1), hash: "a".repeat(64) };
  const b = { ...ref(2, "video"), hash: "b".repeat(64), mime: "video/mp4" };
  expect(findMedia({ image: a, clips: [[b, a]], other: { n: 1 } }).map((m) => m.kind)).toEqual(["image", "video"]);
  expect(findMedia(null)).toEqual([]);
  expect(findMedia("text")).toEqual([]);
});
