import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import type { GraphDocument } from "../../schemas/graph.js";
import { addNodes, graphMaps, moveNodes, readGraphDocument, setNodeConfigField } from "../../schemas/graph-ydoc.js";
import { CollabGraphNotFound } from "./index.js";
import { connectClient, insertGraph, startCollabServer, waitFor, waitForSync, type CollabTestServer, type TestClient } from "../../test/collab.js";

const base: GraphDocument = {
  version: 1,
  name: "Launch ad",
  nodes: [
    { id: "src", type: "asset.source", position: { x: 0, y: 0 }, config: { sku: "A1" } },
    { id: "img", type: "image.generate", position: { x: 300, y: 0 }, config: { prompt: "a shoe" } },
  ],
  edges: [{ id: "e1", source: "src", sourcePort: "product", target: "img", targetPort: "product" }],
};

let db: TestDatabase;
const cleanup: (() => unknown)[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(opts = {}) {
  const s = await startCollabServer(db.sql, opts);
  cleanup.push(() => s.stop());
  return s;
}
function client(s: CollabTestServer, graphId: string, opts: { connect?: boolean } = {}): TestClient {
  const c = connectClient(s.url, graphId, opts);
  cleanup.push(() => c.destroy());
  return c;
}
const nodeIds = (doc: Y.Doc) => readGraphDocument(doc).nodes.map((n) => n.id);
const column = async (id: string) => (await db.sql<{ document: GraphDocument; name: string }[]>`select document, name from graphs where id = ${id}`)[0];

describe("collaboration service", () => {
  it("serves the stored document and relays edits between two clients both ways", async () => {
    const s = await server();
    const id = await insertGraph(db.sql, base);
    const a = client(s, id);
    const b = client(s, id);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    expect(readGraphDocument(a.doc)).toEqual(base);

    addNodes(a.doc, [{ id: "tts", type: "audio.tts", position: { x: 5, y: 6 }, config: { voice: "en" } }]);
    await waitFor(() => nodeIds(b.doc).includes("tts"), 3000, "b to see a's node");
    setNodeConfigField(b.doc, "img", "prompt", "a red shoe");
    await waitFor(() => readGraphDocument(a.doc).nodes[1].config.prompt === "a red shoe", 3000, "a to see b's edit");
    expect(readGraphDocument(a.doc)).toEqual(readGraphDocument(b.doc));
  });

  it("relays awareness (presence, cursor) and removes a client that leaves", async () => {
    const s = await server();
    const id = await insertGraph(db.sql, base);
    const a = client(s, id);
    const b = client(s, id);
    await Promise.all([waitForSync(a), waitForSync(b)]);
    a.provider.awareness.setLocalStateField("user", { name: "Ada", color: "#e5484d" });
    a.provider.awareness.setLocalStateField("cursor", { x: 10, y: 20 });
    const aId = a.doc.clientID;
    await waitFor(() => (b.provider.awareness.getStates().get(aId) as any)?.cursor?.x === 10, 3000, "b to see a's cursor");
    expect((b.provider.awareness.getStates().get(aId) as any).user.name).toBe("Ada");
    // A late joiner gets the presence of those already there.
    const c = client(s, id);
    await waitFor(() => c.provider.awareness.getStates().has(aId), 3000, "late joiner to see a");
    a.destroy();
    await waitFor(() => !b.provider.awareness.getStates().has(aId), 3000, "a's presence removed");
  });

  it("keeps graphs.document in step with the live doc, debounced", async () => {
    const s = await server({ documentWaitMs: 50, documentMaxWaitMs: 200 });
    const id = await insertGraph(db.sql, base);
    const a = client(s, id);
    await waitForSync(a);
    graphMaps(a.doc).meta.set("name", "Renamed live");
    moveNodes(a.doc, { img: { x: 999, y: 1 } });
    await waitFor(async () => (await column(id)).document.nodes[1].position.x === 999, 3000, "column update");
    const row = await column(id);
    expect(row.name).toBe("Renamed live");
    expect(row.document).toEqual(readGraphDocument(a.doc));
  });

  it("a REST replace reaches live clients and is in graphs.document when it returns", async () => {
    const s = await server();
    const id = await insertGraph(db.sql, base);
    const a = client(s, id);
    await waitForSync(a);
    const next: GraphDocument = { ...base, name: "From REST", nodes: [base.nodes[0]], edges: [] };
    await s.service.replaceDocument(id, next);
    expect((await column(id)).document).toEqual(next);
    await waitFor(() => readGraphDocument(a.doc).name === "From REST", 3000, "client to get the REST edit");
    expect(readGraphDocument(a.doc)).toEqual(next);
    expect(await s.service.getDocument(id)).toEqual(next);
  });

  it("replace/get on a graph nobody has open loads it, and unknown graphs are refused", async () => {
    const s = await server();
    const id = await insertGraph(db.sql, base);
    await s.service.replaceDocument(id, { ...base, name: "Offline edit" });
    expect((await s.service.getDocument(id)).name).toBe("Offline edit");
    await expect(s.service.getDocument("00000000-0000-4000-8000-000000000000")).rejects.toBeInstanceOf(CollabGraphNotFound);
    await expect(s.service.getDocument("not-a-uuid")).rejects.toBeInstanceOf(CollabGraphNotFound);
  });

  it("answers 404 on the upgrade for an unknown graph and 403 when authorize refuses", async () => {
    const s = await server({ authorize: (req: { headers: Record<string, unknown> }) => req.headers["x-user"] === "ok" });
    const id = await insertGraph(db.sql, base);
    const status = (path: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${s.port}${path}`, { headers });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => {
          ws.close();
          resolve(101);
        });
        ws.on("error", () => {});
      });
    expect(await status(`/collab/00000000-0000-4000-8000-000000000000`, { "x-user": "ok" })).toBe(404);
    expect(await status(`/collab/nope`, { "x-user": "ok" })).toBe(404);
    expect(await status(`/collab/${id}`)).toBe(403);
    expect(await status(`/collab/${id}`, { "x-user": "ok" })).toBe(101);
  });

  it("loses no edit across a graceful restart or a crash, and compacts the stored updates", async () => {
    const id = await insertGraph(db.sql, base);
    const s1 = await startCollabServer(db.sql, { compactAfter: 5 });
    const a = client(s1, id);
    await waitForSync(a);
    for (let i = 0; i < 30; i++) {
      setNodeConfigField(a.doc, "img", "steps", i);
      await new Promise((r) => setTimeout(r, 2));
    }
    await s1.stop();
    const rows = async () => (await db.sql<{ n: number }[]>`select count(*)::int n from graph_doc_updates where graph_id = ${id}`)[0].n;
    expect(await rows()).toBeLessThan(5);

    const s2 = await server({ compactAfter: 5 });
    const b = client(s2, id);
    await waitForSync(b);
    expect(readGraphDocument(b.doc).nodes[1].config.steps).toBe(29);
    // A crash: an edit is stored as soon as it arrives, so cutting everything right after loses nothing.
    addNodes(b.doc, [{ id: "late", type: "x", position: { x: 0, y: 0 }, config: {} }]);
    await waitFor(async () => (await db.sql`select 1 from graph_doc_updates where graph_id = ${id}`).length > 0, 3000);
    await waitFor(async () => {
      const rowsNow = await db.sql<{ update: Buffer }[]>`select update from graph_doc_updates where graph_id = ${id}`;
      const d = new Y.Doc();
      for (const r of rowsNow) Y.applyUpdate(d, new Uint8Array(r.update));
      return graphMaps(d).nodes.has("late");
    }, 3000, "the edit to be stored");
    await s2.crash();
    const s3 = await server();
    const c = client(s3, id);
    await waitForSync(c);
    expect(nodeIds(c.doc)).toEqual(["src", "img", "late"]);
  });

  it("takes a graphs.document written behind its back (column newer than the update log)", async () => {
    const id = await insertGraph(db.sql, base);
    const s1 = await startCollabServer(db.sql);
    await s1.service.getDocument(id); // seeds the update log
    await s1.stop();
    await new Promise((r) => setTimeout(r, 5));
    const edited = { ...base, name: "Edited by SQL" };
    await db.sql`update graphs set document = ${JSON.stringify(edited)}::jsonb, updated_at = now() where id = ${id}`;
    const s2 = await server();
    expect(await s2.service.getDocument(id)).toEqual(edited);
  });

  it("closes sockets with 4404 when the graph is deleted, and the client stops reconnecting", async () => {
    const s = await server({ documentWaitMs: 10, documentMaxWaitMs: 20 });
    const id = await insertGraph(db.sql, base);
    const a = client(s, id);
    await waitForSync(a);
    const closed = new Promise<number>((resolve) => a.provider.on("closed", (e: { code: number }) => resolve(e.code)));
    await db.sql`delete from graphs where id = ${id}`;
    addNodes(a.doc, [{ id: "n", type: "x", position: { x: 0, y: 0 }, config: {} }]);
    expect(await closed).toBe(4404);
    expect(a.provider.shouldConnect).toBe(false);
  });
});
