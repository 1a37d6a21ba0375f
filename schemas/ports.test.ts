import { describe, expect, it } from "vitest";
import { PORT_TYPES, PORT_VALUE_SCHEMAS } from "./ports.js";

const ref = (kind: "image" | "video" | "audio" | "file", mime: string) => ({ hash: "a".repeat(64), mime, size: 1, url: "/media/x", kind });

describe("port value schemas", () => {
  it("has one schema per port type, and no other", () => {
    expect(Object.keys(PORT_VALUE_SCHEMAS).sort()).toEqual([...PORT_TYPES].sort());
  });

  it("media ports take their kind and name what they got", () => {
    expect(PORT_VALUE_SCHEMAS.image.safeParse(ref("image", "image/png")).success).toBe(true);
    const r = PORT_VALUE_SCHEMAS.image.safeParse(ref("audio", "audio/wav"));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toBe("expected an image, got an audio (audio/wav)");
    // meta gets its default, as every node saw it after parsing
    expect(PORT_VALUE_SCHEMAS.video.parse(ref("video", "video/mp4")).meta).toEqual({});
  });

  it("media takes image, video or audio, not a plain file", () => {
    for (const k of ["image", "video", "audio"] as const) expect(PORT_VALUE_SCHEMAS.media.safeParse(ref(k, "x/y")).success).toBe(true);
    expect(PORT_VALUE_SCHEMAS.media.safeParse(ref("file", "application/pdf")).error!.issues[0].message).toBe(
      "expected image, video or audio, got a file (application/pdf)",
    );
  });

  it("json takes anything, text only strings", () => {
    for (const v of [null, 1, "x", [1], { a: 1 }]) expect(PORT_VALUE_SCHEMAS.json.safeParse(v).success).toBe(true);
    expect(PORT_VALUE_SCHEMAS.text.safeParse(3).error!.issues[0].message).toBe("expected text");
  });

  it("content ports check the shape with a path", () => {
    const r = PORT_VALUE_SCHEMAS.product.safeParse({ id: "p", name: "Lamp", description: "", price: "abc", currency: "EUR", category: "", images: [], attributes: {} });
    expect(r.error!.issues[0].path).toEqual(["price"]);
  });
});
