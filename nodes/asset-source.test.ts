import { writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Brand, Product } from "../schemas/content.js";
import { assetSource } from "./asset-source.js";
import { formatIssues } from "./assets/rows.js";
import { nonPublicReason } from "./assets/fetch-image.js";
import { createNodeTestHarness, type NodeTestHarness } from "./testing.js";

let h: NodeTestHarness;
let server: http.Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  h = await createNodeTestHarness();
  const opaque = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#884422" } }).png().toBuffer();
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === "/shoe.png") {
      res.writeHead(200, { "content-type": "image/png", "content-length": opaque.length });
      res.end(req.method === "HEAD" ? undefined : opaque);
    } else if (req.url === "/moved.png") {
      res.writeHead(302, { location: "/shoe.png" });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await h.close();
});

const row = (over: Record<string, unknown> = {}) => ({ name: "Stride Runner", price: 89.95, images: [`${base}/shoe.png`], ...over });

describe("asset.source", () => {
  it("loads the demo catalogue: products with stored PNG images and the file's brand kit", async () => {
    const out = await h.run(assetSource, {}, {});
    const products = out.products as Product[];
    const brand = out.brand as Brand;
    expect(products.map((p) => p.id)).toEqual(["aurora-bottle", "stride-sneaker", "halo-headphones"]);
    expect(products[1]).toMatchObject({ name: "Stride Runner", price: 89.95, currency: "EUR", category: "Footwear" });
    expect(products[0].images[0]).toMatchObject({ kind: "image", mime: "image/png", meta: { width: 640, height: 640 } });
    expect(brand).toMatchObject({ name: "Northwind Goods", colors: { primary: "#1f3a5f" } });
    expect(assetSource.listSizeHint!(assetSource.config.parse({ source: "inline", products: [row(), row({ id: "b" })] }))).toBe(2);
  });

  it("fetches allow-listed http images, follows redirects and normalises opaque images to JPEG", async () => {
    const out = await h.run(assetSource, {}, { source: "inline", products: [row(), row({ id: "again", images: [`${base}/moved.png`] })], allowHosts: ["127.0.0.1"] });
    const products = out.products as Product[];
    expect(products[0].images[0]).toMatchObject({ mime: "image/jpeg", meta: { width: 300, height: 200 } });
    expect(products[1].images[0].hash).toBe(products[0].images[0].hash);
    expect(requests).toContain("HEAD /shoe.png");
  });

  it("refuses loopback and private addresses unless allow-listed", async () => {
    const n = requests.length;
    await expect(h.run(assetSource, {}, { source: "inline", products: [row()] })).rejects.toThrow(
      /products\[0\]\.images\[0\]: image http:\/\/127\.0\.0\.1:\d+\/shoe\.png: refusing to fetch from 127\.0\.0\.1: it is a loopback address \(add "127\.0\.0\.1" to allowHosts/,
    );
    await expect(h.run(assetSource, {}, { source: "inline", products: [row({ images: [`http://localhost:${new URL(base).port}/shoe.png`] })] })).rejects.toThrow(
      /products\[0\]\.images\[0\]: .*localhost.*loopback address/,
    );
    expect(requests.length).toBe(n); // nothing reached the server
    expect(nonPublicReason("10.1.2.3")).toBe("a private address");
    expect(nonPublicReason("192.168.0.1")).toBe("a private address");
    expect(nonPublicReason("169.254.169.254")).toBe("a link-local address");
    expect(nonPublicReason("::ffff:127.0.0.1")).toBe("a loopback address");
    expect(nonPublicReason("fd00::1")).toBe("a private address");
    expect(nonPublicReason("203.0.113.9")).toMatch(/reserved/);
    expect(nonPublicReason("198.18.0.1")).toMatch(/reserved/);
    expect(nonPublicReason("93.184.216.34")).toBeUndefined();
  });

  it("rejects an unreachable image naming the row and field", async () => {
    const cfg = { source: "inline", allowHosts: ["127.0.0.1"], products: [row(), row({ id: "x", images: [`${base}/gone.png`] })] };
    await expect(h.run(assetSource, {}, cfg)).rejects.toThrow(/products\[1\]\.images\[0\]: image http:\/\/127\.0\.0\.1:\d+\/gone\.png: not reachable \(HTTP 404 on HEAD/);
    await expect(h.run(assetSource, {}, { source: "inline", products: [row({ images: ["no/such/picture.png"] })] })).rejects.toThrow(
      /products\[0\]\.images\[0\]: image no\/such\/picture\.png: file not found/,
    );
  });

  it("rejects a product with no name and a price that is not a number, naming row and field (CSV file)", async () => {
    const csv = path.join(h.root, "catalog.csv");
    await writeFile(
      csv,
      'id,name,price,currency,images,attr.colour\nok,"Good, one",12.50,eur,examples/demo-catalog/images/aurora-bottle.png,blue\nnoname,,10,EUR,examples/demo-catalog/images/aurora-bottle.png,\nbadprice,Thing,abc,EUR,examples/demo-catalog/images/aurora-bottle.png,\n',
    );
    const err = await h.run(assetSource, {}, { source: "file", file: csv }).catch((e: Error) => e);
    expect(String(err)).toContain("catalog.csv products[1].name: required: a product needs a name");
    expect(String(err)).toContain('catalog.csv products[2].price: expected a number, got "abc"');
    expect(String(err)).not.toContain("products[0]");

    await writeFile(csv, 'id,name,price,currency,images,attr.colour\nok,"Good, one",12.50,eur,examples/demo-catalog/images/aurora-bottle.png,blue\n');
    const out = await h.run(assetSource, {}, { source: "file", file: csv });
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
    const file = path.join(h.root, "brand.json");
    await writeFile(file, JSON.stringify({ brand: { name: "X", colors: { secondary: "#12345" } }, products: [row({ images: [path.resolve("examples/demo-catalog/images/halo-headphones.png")] })] }));
    await expect(h.run(assetSource, {}, { source: "file", file })).rejects.toThrow('brand.colors.secondary: expected a hex colour like #1a2b3c, got "#12345"');
  });
});
