import { describe, expect, it } from "vitest";
import { acceptAttribute, fileFieldAccept, fileValue, formatBytes, kindFor, pickFiles, previewUrl, uploadFits } from "./fields.js";

const hash = "ab".repeat(32);
const upload = (mime: string, kind: "image" | "video" | "audio" | "file", thumbnail?: string) => ({
  media: { hash, mime, size: 10, url: `/media/${hash}`, kind, meta: {}, ...(thumbnail ? { thumbnail } : {}) },
});

describe("file fields", () => {
  it("honours a schema that declares a file field, and ignores non-strings", () => {
    expect(fileFieldAccept({ type: "string", format: "file" }, "source")).toBe("catalogue");
    expect(fileFieldAccept({ type: "string", "x-accept": "image" }, "poster")).toBe("image");
    expect(fileFieldAccept({ type: ["string", "null"] }, "logo")).toBe("image");
    expect(fileFieldAccept({ type: "number" }, "file")).toBeNull();
    expect(fileFieldAccept({ type: "string" }, "profile")).toBeNull();
  });

  it("reads a value as an upload, a URL or a path", () => {
    expect(fileValue(`upload:${hash}`)).toEqual({ kind: "upload", hash });
    expect(fileValue("upload:nothex")).toEqual({ kind: "path", path: "upload:nothex" });
    expect(fileValue("https://shop.example/feed.json")).toEqual({ kind: "url", url: "https://shop.example/feed.json" });
    expect(fileValue("examples/demo-catalog/products.json")).toEqual({ kind: "path", path: "examples/demo-catalog/products.json" });
    expect(fileValue("")).toEqual({ kind: "empty" });
    expect(fileValue(undefined)).toEqual({ kind: "empty" });
  });

  it("offers only the uploads that fit the field, and previews them by thumbnail", () => {
    expect(uploadFits(upload("image/png", "image"), "image")).toBe(true);
    expect(uploadFits(upload("video/mp4", "video"), "image")).toBe(false);
    expect(uploadFits(upload("text/csv", "file"), "catalogue")).toBe(true);
    expect(uploadFits(upload("application/json", "file"), "catalogue")).toBe(true);
    expect(uploadFits(upload("font/ttf", "file"), "catalogue")).toBe(false);
    expect(kindFor("image")).toBe("image");
    expect(kindFor("catalogue")).toBe("file");
    expect(acceptAttribute("image")).toContain("image/png");
    expect(acceptAttribute("catalogue")).toContain(".csv");
    const thumb = "cd".repeat(32);
    expect(previewUrl(upload("video/mp4", "video", thumb))).toBe(`/media/${thumb}`);
    expect(previewUrl(upload("image/gif", "image"))).toBe(`/media/${hash}`);
    expect(previewUrl(upload("text/csv", "file"))).toBeNull();
  });

  it("formats sizes and limits how many files one drop sends", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(12_500)).toBe("13 kB");
    expect(formatBytes(2_400_000)).toBe("2.4 MB");
    const files = Array.from({ length: 30 }, (_, i) => new File(["x"], `f${i}.png`));
    expect(pickFiles(files, false).map((f) => f.name)).toEqual(["f0.png"]);
    expect(pickFiles(files, true)).toHaveLength(20);
    expect(pickFiles(null, true)).toEqual([]);
  });
});
