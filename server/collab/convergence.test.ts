/**
 * Several real y-websocket clients make random concurrent edits (one of them partly offline) and
 * must all end with the same document, equal to what the server stores and reloads.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import type { GraphDocument } from "../../schemas/graph.js";
import {
  addEdges,
  addNodes,
  graphMaps,
  moveNodes,
  readGraphDocument,
  removeEdges,
  removeNodes,
  setGraphName,
  setNodeConfigField,
  setNodeLabel,
} from "../../schemas/graph-ydoc.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { connectClient, insertGraph, startCollabServer, waitFor, waitForSync, type TestClient } from "../../test/collab.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** Small seeded PRNG (mulberry32) so a failure replays the same edits. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomEdit(doc: Y.Doc, who: string, n: number, rand: () => number) {
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(rand() * xs.length)] : undefined);
  const { nodes, edges } = graphMaps(doc);
  const ids = [...nodes.keys()];
  const r = rand();
  if (r < 0.25 || ids.length < 2) {
    addNodes(doc, [{ id: `${who}-${n}`, type: pick(["image.generate", "audio.tts", "video.composite"])!, position: { x: rand() * 1000, y: rand() * 1000 }, config: {} }]);
  } else if (r < 0.45) {
    moveNodes(doc, { [pick(ids)!]: { x: Math.round(rand() * 1000), y: Math.round(rand() * 1000) } });
  } else if (r < 0.65) {
    setNodeConfigField(doc, pick(ids)!, pick(["prompt", "steps", "voice"])!, rand() < 0.2 ? undefined : `${who}:${n}`);
  } else if (r < 0.72) {
    setNodeLabel(doc, pick(ids)!, `label by ${who}`);
  } else if (r < 0.82) {
    addEdges(doc, [{ id: `${who}-e${n}`, source: pick(ids)!, sourcePort: "out", target: pick(ids)!, targetPort: "in" }]);
  } else if (r < 0.9) {
    const e = pick([...edges.keys()]);
    if (e) removeEdges(doc, [e]);
  } else if (r < 0.96) {
    removeNodes(doc, [pick(ids)!]);
  } else {
    setGraphName(doc, `name by ${who} ${n}`);
  }
}

const seed: GraphDocument = {
  version: 1,
  name: "Convergence",
  nodes: Array.from({ length: 6 }, (_, i) => ({ id: `n${i}`, type: "image.generate", position: { x: i * 100, y: 0 }, config: {} })),
  edges: [],
};

it("random concurrent edits from four clients converge, including one that edits offline and reconnects", async () => {
  const id = await insertGraph(db.sql, seed);
  const server = await startCollabServer(db.sql, { compactAfter: 20 });
  const names = ["ada", "bo", "cy", "di"];
  const clients: TestClient[] = names.map(() => connectClient(server.url, id));
  try {
    await Promise.all(clients.map((c) => waitForSync(c)));
    const rand = rng(20240611);
    let n = 0;
    const offline = clients[3];
    for (let round = 0; round < 60; round++) {
      if (round === 15) offline.provider.disconnect();
      if (round === 20) addNodes(offline.doc, [{ id: "offline-marker", type: "audio.tts", position: { x: 1, y: 2 }, config: { voice: "di" } }]);
      if (round === 45) offline.provider.connect();
      // Every client edits in the same tick, before anything reaches the others: real concurrency.
      for (const [i, c] of clients.entries()) {
        const edits = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < edits; k++) randomEdit(c.doc, names[i], n++, rand);
      }
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 8)));
    }
    const state = (c: TestClient) => Buffer.from(Y.encodeStateVector(c.doc)).toString("base64");
    await waitFor(() => clients.every((c) => c.provider.synced && state(c) === state(clients[0])), 10_000, "all clients to converge");
    const docs = clients.map((c) => readGraphDocument(c.doc));
    for (const d of docs.slice(1)) expect(d).toEqual(docs[0]);
    expect(docs[0].nodes.some((x) => x.id === "offline-marker")).toBe(true);
    expect(n).toBeGreaterThan(200);
    // The server holds the same, and so does a reload from PostgreSQL after a restart.
    expect(await server.service.getDocument(id)).toEqual(docs[0]);
    await server.stop();
    const again = await startCollabServer(db.sql);
    try {
      const fresh = connectClient(again.url, id);
      await waitForSync(fresh);
      expect(readGraphDocument(fresh.doc)).toEqual(docs[0]);
      fresh.destroy();
      const [row] = await db.sql<{ document: GraphDocument }[]>`select document from graphs where id = ${id}`;
      expect(row.document).toEqual(docs[0]);
    } finally {
      await again.stop();
    }
  } finally {
    for (const c of clients) c.destroy();
  }
});
