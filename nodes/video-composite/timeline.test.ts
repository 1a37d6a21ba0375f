import { describe, expect, it } from "vitest";
import { layoutAd } from "./text-layout.js";
import { planTimeline } from "./timeline.js";

describe("ad timeline", () => {
  it("fills exactly the duration in whole frames", () => {
    const t = planTimeline({ durationSec: 15, fps: 30, introSec: 1.5, outroSec: 2.5, clipCount: 4 });
    expect(t.totalFrames).toBe(450);
    expect(t.introFrames + t.mainFrames + t.outroFrames).toBe(450);
    expect(t.slots.reduce((s, x) => s + x.frames, 0)).toBe(t.mainFrames);
    expect(t.slots.map((s) => s.frames)).toEqual([83, 83, 82, 82]);
    expect(t.slots[1].startFrame).toBe(45 + 83);
  });

  it("drops clips that would get less than a second, and refuses a timeline with no room", () => {
    const t = planTimeline({ durationSec: 5, fps: 24, introSec: 1, outroSec: 1, clipCount: 6 });
    expect(t.slots).toHaveLength(3);
    expect(t.droppedClips).toBe(3);
    expect(() => planTimeline({ durationSec: 3, fps: 30, introSec: 1.5, outroSec: 1.2, clipCount: 1 })).toThrow(/less than 1 s/);
  });

  it("lays out more, shorter headline lines on a narrow frame", () => {
    const texts = { headline: "Stride Runner now only €89.95 while stocks last", disclaimer: "Price incl. VAT.", cta: "Shop now", brandName: "Northwind", productName: "Stride" };
    const portrait = layoutAd(1080, 1920, texts);
    const landscape = layoutAd(1920, 1080, texts);
    expect(portrait.headline!.lines.length).toBeGreaterThan(landscape.headline!.lines.length);
    expect(portrait.disclaimer!.y + portrait.disclaimer!.lineHeight).toBeLessThanOrEqual(1920);
    expect(layoutAd(640, 360, { ...texts, headline: "" }).headline).toBeUndefined();
  });
});
