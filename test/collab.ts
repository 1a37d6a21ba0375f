/**
 * Helpers for tests and benchmarks of the collaboration service: a real HTTP server on loopback
 * with the service on its upgrade event, and real y-websocket clients (the `ws` package as the
 * WebSocket implementation, as in a Node program using y-websocket).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { Queryable, Sql } from "../db/index.js";
import type { GraphDocument } from "../schemas/graph.js";
import { createCollabService, type CollabService, type CollabServiceOptions } from "../server/collab/index.js";

export interface CollabTestServer {
  port: number;
  url: string;
  service: CollabService;
  /** Graceful: the service stores everything and closes its sockets. */
  stop(): Promise<void>;
  /** Abrupt: sockets cut, the service never told (what a killed process leaves behind). */
  crash(): Promise<void>;
}

export async function startCollabServer(sql: Sql, opts: Partial<CollabServiceOptions> = {}): Promise<CollabTestServer> {
  const service = createCollabService({ sql, log: process.env.COLLAB_DEBUG ? console.error : () => {}, ...opts });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const upgraded = new Set<import("node:stream").Duplex>();
  server.on("upgrade", (req, socket, head) => {
    upgraded.add(socket);
    socket.on("close", () => upgraded.delete(socket));
    if (!service.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    url: `ws://127.0.0.1:${port}/collab`,
    service,
    async stop() {
      await service.close();
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await closeServer();
    },
    async crash() {
      // Upgraded sockets are no longer the HTTP server's: cut them by hand.
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await closeServer();
    },
  };
}

export async function insertGraph(sql: Queryable, document: GraphDocument): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into graphs (name, document) values (${document.name}, ${JSON.stringify(document)}::jsonb) returning id`;
  return row.id;
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

export function connectClient(url: string, graphId: string, opts: { connect?: boolean } = {}): TestClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, graphId, doc, {
    // ws's WebSocket is API-compatible with the browser's for what y-websocket uses.
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: opts.connect ?? true,
    maxBackoffTime: 300,
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export function waitForSync(client: TestClient, timeoutMs = 5000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return waitFor(() => client.provider.synced, timeoutMs, "client sync");
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
