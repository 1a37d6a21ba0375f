/**
 * The collaboration socket under auth: real HTTP server, real y-websocket clients sending the
 * same credentials a browser (cookie + Origin) or a script (Bearer token) would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { addNodes, readGraphDocument, setNodeConfigField } from "../../schemas/graph-ydoc.js";
import type { GraphDocument } from "../../schemas/graph.js";
import { apiTokenFor, createMember, createTestWorkspace, sessionFor } from "../../test/auth.js";
import { createTestDatabase, type TestDatabase } from "../../test/db.js";
import { insertGraph, startCollabServer, waitFor, type CollabTestServer } from "../../test/collab.js";
import { collabAuthorizer } from "./collab-access.js";
import { authSettings } from "./settings.js";

const base: GraphDocument = {
  version: 1,
  name: "Shared ad",
  nodes: [{ id: "img", type: "image.generate", position: { x: 0, y: 0 }, config: { prompt: "a lamp" } }],
  edges: [],
};

let db: TestDatabase;
let server: CollabTestServer;
const cleanup: (() => unknown)[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  server = await startCollabServer(db.sql, { authorize: collabAuthorizer(db, authSettings()), documentWaitMs: 20, documentMaxWaitMs: 100 });
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

/** A y-websocket client whose handshake carries these headers (what a browser sends on its own). */
function client(graphId: string, headers: Record<string, string>) {
  const doc = new Y.Doc();
  class WithHeaders extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const provider = new WebsocketProvider(server.url, graphId, doc, {
    WebSocketPolyfill: WithHeaders as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 300,
  });
  const c = { doc, provider };
  cleanup.push(() => {
    provider.destroy();
    doc.destroy();
  });
  return c;
}

const browser = async (role: "owner" | "editor" | "reviewer" | "viewer", workspaceId?: string) => {
  const s = await sessionFor(db.sql, await createMember(db.sql, role, { workspaceId }));
  return { cookie: s.cookie, origin: `http://127.0.0.1:${server.port}`, host: `127.0.0.1:${server.port}` };
};

function upgradeStatus(path: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => {
      ws.close();
      resolve(101);
    });
    ws.on("error", () => {});
  });
}

const nodeIds = (doc: Y.Doc) => readGraphDocument(doc).nodes.map((n) => n.id);
const storedRows = async (id: string) => (await db.sql<{ n: number }[]>`select count(*)::int as n from graph_doc_updates where graph_id = ${id}`)[0].n;

describe("collaboration socket access", () => {
  it("a viewer's socket receives every update, but its own edits are refused and never stored", async () => {
    const id = await insertGraph(db.sql, base);
    const editor = client(id, await browser("editor"));
    const viewer = client(id, await browser("viewer"));
    await waitFor(() => editor.provider.synced && viewer.provider.synced, 5000, "both synced");
    expect(nodeIds(viewer.doc)).toEqual(["img"]);

    addNodes(editor.doc, [{ id: "tts", type: "speech.synthesize", position: { x: 300, y: 0 }, config: {} }]);
    await waitFor(() => nodeIds(viewer.doc).includes("tts"), 3000, "viewer to receive the editor's node");
    await waitFor(async () => (await server.service.getDocument(id)).nodes.length === 2, 3000, "server doc");
    const rowsBefore = await storedRows(id);

    // The viewer edits its local copy: the server drops it, so nobody else sees it and nothing is written.
    addNodes(viewer.doc, [{ id: "sneaky", type: "image.generate", position: { x: 0, y: 300 }, config: {} }]);
    setNodeConfigField(viewer.doc, "img", "prompt", "vandalised");
    await new Promise((r) => setTimeout(r, 400));
    expect(nodeIds(editor.doc)).toEqual(["img", "tts"]);
    expect(readGraphDocument(editor.doc).nodes[0].config.prompt).toBe("a lamp");
    const live = await server.service.getDocument(id);
    expect(live.nodes.map((n) => n.id)).toEqual(["img", "tts"]);
    expect(live.nodes[0].config.prompt).toBe("a lamp");
    expect(await storedRows(id)).toBe(rowsBefore);
    await waitFor(async () => ((await db.sql<{ document: GraphDocument }[]>`select document from graphs where id = ${id}`)[0].document.nodes.length === 2), 3000, "document column");
    const column = (await db.sql<{ document: GraphDocument }[]>`select document from graphs where id = ${id}`)[0].document;
    expect(column.nodes.map((n) => n.id)).toEqual(["img", "tts"]);
    expect(JSON.stringify(column)).not.toContain("vandalised");

    // Still connected, still receiving; and its presence is shared (viewers are visible to others).
    // (A new node: the viewer's own refused edit of img.prompt may still win in its local copy.)
    addNodes(editor.doc, [{ id: "music", type: "audio.music", position: { x: 600, y: 0 }, config: {} }]);
    await waitFor(() => nodeIds(viewer.doc).includes("music"), 3000, "viewer to keep receiving");
    viewer.provider.awareness.setLocalStateField("user", { name: "Vera (viewer)" });
    await waitFor(() => [...editor.provider.awareness.getStates().values()].some((s) => (s as { user?: { name: string } }).user?.name === "Vera (viewer)"), 3000, "viewer presence");

    // A reconnecting viewer does not smuggle its local edits in through sync step 2 either.
    viewer.provider.disconnect();
    viewer.provider.connect();
    await waitFor(() => viewer.provider.synced, 3000, "viewer resync");
    await new Promise((r) => setTimeout(r, 300));
    expect((await server.service.getDocument(id)).nodes.map((n) => n.id)).toEqual(["img", "tts", "music"]);
    expect((await server.service.getDocument(id)).nodes[0].config.prompt).toBe("a lamp");
  });

  it("reviewers read only; editors and owners write; a Bearer token works like a session", async () => {
    const id = await insertGraph(db.sql, base);
    const reviewer = client(id, await browser("reviewer"));
    const owner = client(id, await browser("owner"));
    const script = client(id, { authorization: `Bearer ${await apiTokenFor(db.sql, await createMember(db.sql, "editor"))}` });
    await waitFor(() => reviewer.provider.synced && owner.provider.synced && script.provider.synced, 5000, "synced");
    addNodes(reviewer.doc, [{ id: "from-reviewer", type: "image.generate", position: { x: 0, y: 0 }, config: {} }]);
    addNodes(owner.doc, [{ id: "from-owner", type: "image.generate", position: { x: 0, y: 0 }, config: {} }]);
    addNodes(script.doc, [{ id: "from-script", type: "image.generate", position: { x: 0, y: 0 }, config: {} }]);
    await waitFor(async () => (await server.service.getDocument(id)).nodes.length === 3, 3000, "two writers' nodes");
    await new Promise((r) => setTimeout(r, 200));
    expect((await server.service.getDocument(id)).nodes.map((n) => n.id).sort()).toEqual(["from-owner", "from-script", "img"]);
  });

  it("refuses the upgrade: 403 without (valid) credentials or from a foreign page, 404 for another workspace's or an unknown graph", async () => {
    const id = await insertGraph(db.sql, base);
    const elsewhere = await createTestWorkspace(db.sql);
    const [{ id: otherGraph }] = await db.sql<{ id: string }[]>`
      insert into graphs (name, document, workspace_id) values ('theirs', ${JSON.stringify(base)}::jsonb, ${elsewhere}) returning id`;
    const viewer = await browser("viewer");
    expect(await upgradeStatus(`/collab/${id}`, viewer)).toBe(101);
    expect(await upgradeStatus(`/collab/${id}`)).toBe(403);
    expect(await upgradeStatus(`/collab/${id}`, { ...viewer, cookie: "genjed_session=forged-value" })).toBe(403);
    expect(await upgradeStatus(`/collab/${id}`, { authorization: "Bearer gj_forged" })).toBe(403);
    // Cross-site WebSocket hijacking: the browser sends the cookie, but the page is not ours.
    expect(await upgradeStatus(`/collab/${id}`, { ...viewer, origin: "http://evil.example" })).toBe(403);
    expect(await upgradeStatus(`/collab/${otherGraph}`, viewer)).toBe(404);
    expect(await upgradeStatus(`/collab/${otherGraph}`, await browser("owner", elsewhere))).toBe(101);
    expect(await upgradeStatus(`/collab/00000000-0000-4000-8000-000000000000`, viewer)).toBe(404);
  });
});
