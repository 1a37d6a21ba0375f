import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Brand, Product } from "../../schemas/content.js";
import { ALLOW_HOSTS_IGNORED, assetSource } from "./definition.js";
import { formatIssues } from "../shared/rows.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../test/node-context.js";
import { PermanentNodeError } from "../contract.js";

let h: NodeTestHarness;
let server: http.Server;
let base: string;
let port: number;
let outside: string;
const requests: string[] = [];
const SECRET = "root:x:0:0:root:/root:/bin/bash\nsecret-key-material\n";

beforeAll(async () => {
  h = await createNodeTestHarness();
  outside = await mkdtemp(path.join(os.tmpdir(), "genjed-outside-"));
  await writeFile(path.join(outside, "secret.key"), SECRET);
  const opaque = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#884422" } }).png().toBuffer();
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === "/shoe.png") {
      res.writeHead(200, { "content-type": "image/png", "content-length": opaque.length });
      res.end(opaque);
    } else if (req.url === "/moved.png") {
      res.writeHead(302, { location: "/shoe.png" });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.close();
  await h.close();
  await rm(outside, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.GENJED_OUTBOUND_ALLOW;
});

const row = (over: Record<string, unknown> = {}) => ({ name: "Stride Runner", price: 89.95, images: [`${base}/shoe.png`], ...over });
const failure = (config: unknown) => h.run(assetSource, {}, config).then(() => undefined, (e: PermanentNodeError) => e);

describe("asset.source", () => {
  it("loads the demo catalogue: products with stored PNG images and the file's brand kit", async () => {
    const out = await h.run(assetSource, {}, {});
    const products = out.products as Product[];
    const brand = out.brand as Brand;
    expect(products.map((p) => p.id)).toEqual(["aurora-bottle", "stride-sneaker", "halo-headphones"]);
    expect(products[1]).toMatchObject({ name: "Stride Runner", price: 89.95, currency: "EUR", category: "Footwear" });
    expect(products[0].images[0]).toMatchObject({ kind: "image", mime: "image/png", meta: { width: 640, height: 640, source: "examples/demo-catalog/images/aurora-bottle.png" } });
    expect(brand).toMatchObject({ name: "Northwind Goods", colors: { primary: "#1f3a5f" } });
    expect(assetSource.listSizeHint!(assetSource.config.parse({ source: "inline", products: [row(), row({ id: "b" })] }))).toBe(2);
  });

  it("fetches http images allowed by GENJED_OUTBOUND_ALLOW, follows redirects and normalises opaque images to JPEG", async () => {
    process.env.GENJED_OUTBOUND_ALLOW = "127.0.0.1";
    const out = await h.run(assetSource, {}, { source: "inline", products: [row(), row({ id: "again", images: [`${base}/moved.png`] })] });
    const products = out.products as Product[];
    expect(products[0].images[0]).toMatchObject({ mime: "image/jpeg", meta: { width: 300, height: 200 } });
    expect(products[1].images[0].hash).toBe(products[0].images[0].hash);
  });

  it("refuses loopback and metadata addresses in every spelling unless the server allows them", async () => {
    const n = requests.length;
    // (The metadata address and the 6to4/Teredo forms are covered by lib/net/guard.test.ts.)
    for (const url of [`${base}/shoe.png`, `http://[::ffff:127.0.0.1]:${port}/shoe.png`, `http://[64:ff9b::7f00:1]:${port}/shoe.png`, `http://localhost:${port}/shoe.png`]) {
      const err = await failure({ source: "inline", products: [row({ images: [url] })] });
      expect(err, url).toBeInstanceOf(PermanentNodeError);
      expect(err!.message, url).toMatch(/^products\[0\]\.images\[0\]: refusing http:\/\/.* is a (loopback|link-local) address \(allow it with GENJED_OUTBOUND_ALLOW\)/);
    }
    expect(requests.length).toBe(n); // nothing reached the server
  });

  it("ignores a retired allowHosts list (old graphs still load) and says so", async () => {
    const err = await failure({ source: "inline", allowHosts: ["127.0.0.1"], products: [row()] });
    expect(err!.message).toMatch(/products\[0\]\.images\[0\]: refusing .*loopback/);
    expect(h.logs.some((l) => l.level === "warn" && l.message === ALLOW_HOSTS_IGNORED)).toBe(true);
    expect(ALLOW_HOSTS_IGNORED).toContain("GENJED_OUTBOUND_ALLOW");
  });

  it("rejects an unreachable image naming the row and field", async () => {
    process.env.GENJED_OUTBOUND_ALLOW = "127.0.0.1";
    const cfg = { source: "inline", products: [row(), row({ id: "x", images: [`${base}/gone.png`] })] };
    await expect(h.run(assetSource, {}, cfg)).rejects.toThrow(/products\[1\]\.images\[0\]: http:\/\/127\.0\.0\.1:\d+\/gone\.png is not reachable \(HTTP 404\)/);
    await expect(h.run(assetSource, {}, { source: "inline", products: [row({ images: ["examples/no/such/picture.png"] })] })).rejects.toThrow(
      /products\[0\]\.images\[0\]: file not found: examples\/no\/such\/picture\.png/,
    );
  });

  it("refuses catalogue files, images and logos outside examples/ when the config is checked, naming the field", () => {
    for (const file of ["/etc/passwd", path.join(outside, "secret.key"), "../../secret.key", "file:///etc/passwd", "package.json"]) {
      const r = assetSource.config.safeParse({ source: "file", file });
      expect(r.success, file).toBe(false);
      expect(formatIssues(r.error!), file).toEqual([expect.stringMatching(/^file: PATH_NOT_ALLOWED: .* is not allowed: /)]);
    }
    const r = assetSource.config.safeParse({ source: "inline", products: [row({ images: ["/etc/passwd", "examples/demo-catalog/images/aurora-bottle.png"] })], brand: { logo: "../../secret.key" } });
    expect(formatIssues(r.error!)).toEqual([
      expect.stringMatching(/^products\[0\]\.images\[0\]: PATH_NOT_ALLOWED: "\/etc\/passwd" is not allowed: absolute paths are refused/),
      expect.stringMatching(/^brand\.logo: PATH_NOT_ALLOWED: .*"\.\." is refused/),
    ]);
  });

  it("refuses image paths in a catalogue outside examples/ (absolute, .., a media blob of this instance) before reading any", async () => {
    const blob = await h.storage.put(await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toBuffer(), { mime: "image/png" });
    const catalogue = await h.upload(
      Buffer.from(JSON.stringify({ brand: { name: "B", logo: path.join(outside, "secret.key") }, products: [row({ images: ["/etc/passwd", "../../secret.key"] }), row({ id: "b", images: [h.storage.path(blob.hash), `${base}/shoe.png`] })] })),
      "application/json",
    );
    process.env.GENJED_OUTBOUND_ALLOW = "127.0.0.1"; // the http image would be fetched, were paths not checked first
    const n = requests.length;
    const err = await failure({ source: "file", file: catalogue });
    expect(err!.code).toBe("PATH_NOT_ALLOWED");
    const fields = (err!.details as { errors: { field: string; code: string }[] }).errors.map((e) => `${e.field} ${e.code}`);
    expect(fields).toEqual([
      "products[0].images[0] PATH_NOT_ALLOWED",
      "products[0].images[1] PATH_NOT_ALLOWED",
      "products[1].images[0] PATH_NOT_ALLOWED",
      "brand.logo PATH_NOT_ALLOWED",
    ]);
    expect(err!.message).not.toContain("root:x");
    expect(requests.length).toBe(n); // nothing was fetched: every reference is checked before any is read
  });

  it("refuses a symlink inside examples/ that points outside", async () => {
    const link = path.resolve("examples", `.leak-${process.pid}.json`);
    await symlink(path.join(outside, "secret.key"), link);
    try {
      const err = await failure({ source: "file", file: path.relative(process.cwd(), link) });
      expect(err!.code).toBe("PATH_NOT_ALLOWED");
      expect(err!.message).toMatch(/^file: .*leads outside examples\//);
      expect(err!.message).not.toContain("root:x");
    } finally {
      await rm(link, { force: true });
    }
  });

  it("reads uploads of its own workspace and refuses another workspace's", async () => {
    const image = await h.upload(await sharp({ create: { width: 40, height: 30, channels: 4, background: "#ff000080" } }).png().toBuffer(), "image/png");
    // An upload has no file name, and a browser may send CSV as octet-stream: the text tells.
    const csv = await h.upload(Buffer.from(`id,name,price,images\nred,Red thing,5,${image}\n`), "application/octet-stream");
    const out = await h.run(assetSource, {}, { source: "file", file: csv });
    expect((out.products as Product[])[0]).toMatchObject({ id: "red", images: [{ mime: "image/png", meta: { width: 40, height: 30 } }] });

    const other = await h.createWorkspace("someone else");
    const theirs = await h.upload(Buffer.from("id,name,price\nx,X,1\n"), "text/csv", other);
    const err = await failure({ source: "file", file: theirs });
    expect(err!.code).toBe("PATH_NOT_ALLOWED");
    expect(err!.message).toBe(`file: ${theirs} is not an upload of this workspace; upload the file first`);
    const img = await failure({ source: "inline", products: [row({ images: [await h.upload(Buffer.from("other image"), "application/octet-stream", other)] })] });
    expect(img!.message).toMatch(/^products\[0\]\.images\[0\]: upload:[a-f0-9]{64} is not an upload of this workspace/);
  });

  it("says where a catalogue is not valid JSON, without quoting it", async () => {
    const bad = await h.upload(Buffer.from(SECRET), "application/json");
    const err = await failure({ source: "file", file: bad });
    expect(err!.message).toBe(`file: ${bad} is neither CSV (by extension) nor JSON: not valid JSON (at line 1 column 1)`);
  });

  it("rejects a product with no name and a price that is not a number, naming row and field (CSV upload)", async () => {
    const csv = await h.upload(
      Buffer.from(
        'id,name,price,currency,images,attr.colour\nok,"Good, one",12.50,eur,examples/demo-catalog/images/aurora-bottle.png,blue\nnoname,,10,EUR,examples/demo-catalog/images/aurora-bottle.png,\nbadprice,Thing,abc,EUR,examples/demo-catalog/images/aurora-bottle.png,\n',
      ),
      "text/csv",
    );
    const err = await h.run(assetSource, {}, { source: "file", file: csv }).catch((e: Error) => e);
    expect(String(err)).toContain("products[1].name: required: a product needs a name");
    expect(String(err)).toContain('products[2].price: expected a number, got "abc"');
    expect(String(err)).not.toContain("products[0]");

    const good = await h.upload(Buffer.from('id,name,price,currency,images,attr.colour\nok,"Good, one",12.50,eur,examples/demo-catalog/images/aurora-bottle.png,blue\n'), "text/csv");
    const out = await h.run(assetSource, {}, { source: "file", file: good });
    expect((out.products as Product[])[0]).toMatchObject({ name: "Good, one", price: 12.5, currency: "EUR", attributes: { colour: "blue" } });
  });

  it("rejects bad inline rows and an invalid hex colour at config time, naming the field", () => {
    const r = assetSource.config.safeParse({ source: "inline", products: [row(), row({ name: "" }), row({ price: "abc" })], brand: { colors: { primary: "red" } } });
    expect(r.success).toBe(false);
    const messages = formatIssues(r.error!);
    expect(messages).toContain("products[1].name: required: a product needs a name");
    expect(messages).toContain('products[2].price: expected a number, got "abc"');
    expect(messages).toContain('brand.colors.primary: expected a hex colour like #1a2b3c, got "red"');
  });

  it("rejects an invalid hex colour in a catalogue file's brand kit", async () => {
    const file = await h.upload(
      Buffer.from(JSON.stringify({ brand: { name: "X", colors: { secondary: "#12345" } }, products: [row({ images: ["examples/demo-catalog/images/halo-headphones.png"] })] })),
      "application/json",
    );
    await expect(h.run(assetSource, {}, { source: "file", file })).rejects.toThrow('brand.colors.secondary: expected a hex colour like #1a2b3c, got "#12345"');
  });
});
