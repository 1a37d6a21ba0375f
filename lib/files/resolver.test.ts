import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkReference, createFileResolver, FileNotFoundError, PathNotAllowedError, type UploadLookup } from "./resolver.js";

let root: string;
const SECRET = "root:x:0:0:root:/root:/bin/bash";
const ownHash = "a".repeat(64);
const uploads: UploadLookup = async (hash) => (hash === ownHash ? { mime: "text/csv", read: async () => Buffer.from("id,name\n1,A\n") } : undefined);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "genjed-files-"));
  await mkdir(path.join(root, "examples", "shop", "images"), { recursive: true });
  await writeFile(path.join(root, "examples", "shop", "products.json"), "[]");
  await writeFile(path.join(root, "examples", "shop", "images", "a.png"), "png");
  await writeFile(path.join(root, "secret.key"), SECRET);
  await symlink(path.join(root, "secret.key"), path.join(root, "examples", "shop", "leak.json"));
  await symlink(path.join(root, "examples", "shop", "images", "a.png"), path.join(root, "examples", "shop", "alias.png"));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const files = () => createFileResolver({ root, uploads });
async function refusal(value: string, field = "products[0].images[0]") {
  const err = await files().resolve(value, field).then(() => undefined, (e: Error) => e);
  expect(err, value).toBeInstanceOf(PathNotAllowedError);
  expect((err as PathNotAllowedError).code).toBe("PATH_NOT_ALLOWED");
  expect((err as PathNotAllowedError).field).toBe(field);
  expect(err!.message.startsWith(`${field}: `)).toBe(true);
  expect(err!.message).not.toContain("root:x");
  return err!.message;
}

describe("file resolver", () => {
  it("reads files inside examples/, relative to the catalogue that names them", async () => {
    const catalogue = await files().resolve("examples/shop/products.json", "file");
    expect(catalogue).toMatchObject({ kind: "example", name: "examples/shop/products.json", dir: "examples/shop" });
    expect((await catalogue.read()).toString()).toBe("[]");
    const image = await files().resolve("images/a.png", "products[0].images[0]", { relativeTo: catalogue });
    expect(image.name).toBe("examples/shop/images/a.png");
    expect((await image.read()).toString()).toBe("png");
    // A symlink that stays inside examples/ is fine.
    expect((await (await files().resolve("./examples/shop/alias.png", "x")).read()).toString()).toBe("png");
  });

  it("refuses absolute paths, .., NUL, file:// and paths outside examples/", async () => {
    expect(await refusal("/etc/passwd")).toMatch(/absolute paths are refused; use an upload \(upload:<sha256>\) or a path inside examples\//);
    expect(await refusal(path.join(root, "secret.key"))).toMatch(/absolute/);
    expect(await refusal("../../secret.key")).toMatch(/"\.\." is refused/);
    expect(await refusal("examples/../secret.key")).toMatch(/"\.\." is refused/);
    expect(await refusal("images/../../../secret.key")).toMatch(/"\.\." is refused/);
    expect(await refusal("examples/shop/a.png\0.txt")).toMatch(/NUL/);
    expect(await refusal("file:///etc/passwd")).toMatch(/file: references cannot be read/);
    expect(await refusal("C:\\Windows\\win.ini")).toMatch(/absolute/);
    expect(await refusal("~/.ssh/id_rsa")).toMatch(/absolute/);
    expect(await refusal("secret.key")).toMatch(/must be inside examples\//);
    expect(await refusal("package.json")).toMatch(/must be inside examples\//);
  });

  it("refuses a symlink inside examples/ that leads out, without reading it", async () => {
    expect(await refusal("examples/shop/leak.json", "file")).toMatch(/leads outside examples\//);
  });

  it("accepts an upload of the workspace and refuses anyone else's", async () => {
    const own = await files().resolve(`upload:${ownHash}`, "file");
    expect(own).toMatchObject({ kind: "upload", name: `upload:${ownHash}`, mime: "text/csv" });
    expect((await own.read()).toString()).toContain("id,name");
    expect(await refusal(`upload:${"b".repeat(64)}`, "file")).toMatch(/is not an upload of this workspace/);
    expect(await refusal("upload:../../secret.key", "file")).toMatch(/not an upload reference/);
  });

  it("says a missing examples file is missing (not refused)", async () => {
    const err = await files().resolve("examples/shop/nope.png", "brand.logo").catch((e: Error) => e);
    expect(err).toBeInstanceOf(FileNotFoundError);
    expect(String(err)).toContain("brand.logo: file not found: examples/shop/nope.png");
  });

  it("uses the shipped examples/ by default", async () => {
    const real = createFileResolver({ uploads });
    expect((await real.resolve("examples/demo-catalog/products.json", "file")).name).toBe("examples/demo-catalog/products.json");
    await expect(real.resolve("/etc/passwd", "file")).rejects.toBeInstanceOf(PathNotAllowedError);
  });

  it("checkReference: the same refusals without touching the file system (for settings when saved)", () => {
    for (const v of ["/etc/passwd", "../x", "examples/../x", "file:///etc/passwd", "secret.key", "upload:xyz", "a\0b"]) {
      expect(() => checkReference(v, "config.feed"), v).toThrow(PathNotAllowedError);
    }
    expect(() => checkReference("examples/shop/products.json", "config.feed")).not.toThrow();
    expect(() => checkReference(`upload:${"c".repeat(64)}`, "config.feed")).not.toThrow();
    const err = (() => {
      try {
        checkReference("/etc/passwd", "config.feed");
      } catch (e) {
        return e as PathNotAllowedError;
      }
    })()!;
    expect(err.reason).toMatch(/^"\/etc\/passwd" is not allowed: absolute paths are refused/);
  });
});
