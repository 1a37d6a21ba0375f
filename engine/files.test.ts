/**
 * The file resolver as the engine wires it: a run reads `upload:` references of its own
 * workspace only, through the real executor and the real media_workspaces rows.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetSource } from "../nodes/asset-source/definition.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../test/engine.js";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";

let engine: TestEngine;
let mine: string;
let theirs: string;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry().register(assetSource));
  const ws = async (name: string) => (await engine.db.sql<{ id: string }[]>`insert into workspaces (name) values (${name}) returning id`)[0].id;
  mine = await ws("mine");
  theirs = await ws("theirs");
});
afterAll(() => engine?.stop());

async function upload(data: Buffer, mime: string, workspaceId: string) {
  const ref = await engine.storage.put(data, { mime });
  await engine.db.sql`insert into media_workspaces (hash, workspace_id) values (${ref.hash}, ${workspaceId}) on conflict do nothing`;
  return `upload:${ref.hash}`;
}

const doc = (file: string) => graph([{ id: "assets", type: "asset.source", config: { source: "file", file } }, { id: "c", type: "test.collect" }], [["assets", "products", "c", "items"]]);

describe("uploads in runs", () => {
  it("a run reads its workspace's uploads and is refused another workspace's, naming the field", async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: "#123456" } }).png().toBuffer();
    const image = await upload(png, "image/png", mine);
    const catalogue = await upload(Buffer.from(JSON.stringify([{ id: "u1", name: "Uploaded", price: 3, images: [image] }])), "application/json", mine);

    // The other workspace first: a succeeded node's output would be reused from the cache.
    const refused = await engine.run(doc(catalogue), { workspaceId: theirs });
    expect(refused.status).toBe("failed");
    const node = refused.nodes.find((n) => n.nodeId === "assets")!;
    expect(node.error).toMatchObject({ code: "PATH_NOT_ALLOWED", message: `file: ${catalogue} is not an upload of this workspace; upload the file first` });
    expect(node.attempts).toBe(1); // permanent: not retried

    const ok = await engine.run(doc(catalogue), { workspaceId: mine });
    expect(ok.status).toBe("succeeded");
    expect(((await nodeOutput(engine, ok.id, "c")) as { out: { id: string; images: { meta: { width: number } }[] }[] }).out[0]).toMatchObject({ id: "u1", images: [{ meta: { width: 20 } }] });
  });

  it("an output cached for one workspace is not handed to another that names the same upload", async () => {
    const png = await sharp({ create: { width: 12, height: 12, channels: 3, background: "#654321" } }).png().toBuffer();
    const image = await upload(png, "image/png", mine);
    const catalogue = await upload(Buffer.from(JSON.stringify([{ id: "c1", name: "Cached", price: 4, images: [image] }])), "application/json", mine);

    // The owner runs first, so its asset.source output sits in the cache ...
    expect((await engine.run(doc(catalogue), { workspaceId: mine })).status).toBe("succeeded");
    // ... and a workspace that learnt the hash still gets the refusal, not the owner's products.
    const refused = await engine.run(doc(catalogue), { workspaceId: theirs });
    expect(refused.status).toBe("failed");
    expect(refused.nodes.find((n) => n.nodeId === "assets")).toMatchObject({ status: "failed", error: { code: "PATH_NOT_ALLOWED" } });
    const [leak] = await engine.db.sql`select 1 from media_workspaces where hash = ${image.slice("upload:".length)} and workspace_id = ${theirs}`;
    expect(leak).toBeUndefined();

    // Within a workspace the cache still works: the owner's second run costs nothing.
    const again = await engine.run(doc(catalogue), { workspaceId: mine });
    expect(again.nodes.find((n) => n.nodeId === "assets")?.status).toBe("cached");
  });
});
