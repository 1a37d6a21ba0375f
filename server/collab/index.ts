/**
 * The collaboration service: one Y.Doc per graph, served over the y-websocket protocol on
 * `/collab/:graphId`, persisted to PostgreSQL, mirrored into graphs.document.
 *
 * Wiring (Node HTTP server):
 *   const collab = createCollabService({ sql });
 *   server.on("upgrade", (req, socket, head) => {
 *     if (!collab.handleUpgrade(req, socket, head)) socket.destroy();
 *   });
 *   // REST PUT /api/graphs/:id -> await collab.replaceDocument(id, document)
 *   // shutdown -> await collab.close()
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { Sql } from "../../db/index.js";
import type { GraphDocument } from "../../schemas/graph.js";
import { Room, type RoomOptions } from "./room.js";

/**
 * What a socket may do, decided on the upgrade: "write" (or true) edits; "read" receives every
 * update and shares presence, but its edits are dropped (never applied, relayed or stored);
 * false answers 403; "not-found" answers 404 (a graph the caller must not learn exists).
 */
export type CollabAccess = boolean | "read" | "write" | "not-found";

export interface CollabServiceOptions {
  sql: Sql;
  /** Decide on the upgrade what this request may do on this graph (default: everyone may edit). */
  authorize?: (req: IncomingMessage, graphId: string) => CollabAccess | Promise<CollabAccess>;
  /** Merge a graph's stored update rows into one past this many (default 200). */
  compactAfter?: number;
  /** Debounce of the graphs.document write (default 300 ms, at most 2 s behind). */
  documentWaitMs?: number;
  documentMaxWaitMs?: number;
  /** Keep an unused room in memory this long after its last socket leaves (default 10 s). */
  idleMs?: number;
  pingMs?: number;
  log?: (message: string) => void;
}

export interface CollabService {
  /**
   * Handle an HTTP upgrade. Returns false (socket untouched) when the path is not `/collab/...`;
   * otherwise answers 404 for an unknown (or hidden) graph, 403 when `authorize` refuses, or opens the socket.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Replace the graph's content (a REST write): live editors see the change at once. Throws CollabGraphNotFound. */
  replaceDocument(graphId: string, document: GraphDocument): Promise<void>;
  /** The live document (edits not yet debounced into graphs.document included). Throws CollabGraphNotFound. */
  getDocument(graphId: string): Promise<GraphDocument>;
  /** Number of open sockets on a graph (0 when nobody edits it). */
  connectionCount(graphId: string): number;
  /** Store all edits, close every socket, stop. */
  close(): Promise<void>;
}

export class CollabGraphNotFound extends Error {
  constructor(readonly graphId: string) {
    super(`graph ${graphId} does not exist`);
    this.name = "CollabGraphNotFound";
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const COLLAB_PATH = "/collab/";

export function createCollabService(options: CollabServiceOptions): CollabService {
  const { sql } = options;
  const log = options.log ?? ((m: string) => console.error(m));
  const roomOptions: RoomOptions = {
    compactAfter: options.compactAfter ?? 200,
    documentWaitMs: options.documentWaitMs ?? 300,
    documentMaxWaitMs: options.documentMaxWaitMs ?? 2000,
    pingMs: options.pingMs ?? 30_000,
    log,
  };
  const idleMs = options.idleMs ?? 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });
  const rooms = new Map<string, Promise<Room | null>>();
  const loaded = new Map<string, Room>();
  /** Rooms being stored and closed: a new room for the graph waits for this, or it could miss edits. */
  const releasing = new Map<string, Promise<void>>();
  const idleTimers = new Map<string, NodeJS.Timeout>();
  let closing = false;

  function getRoom(graphId: string): Promise<Room | null> {
    let p = rooms.get(graphId);
    if (!p) {
      p = (releasing.get(graphId) ?? Promise.resolve())
        .then(() => Room.load(sql, graphId, roomOptions))
        .then((room) => {
          if (!room) {
            rooms.delete(graphId);
            return null;
          }
          loaded.set(graphId, room);
          room.onIdle = () => scheduleRelease(graphId, room);
          return room;
        });
      p.catch(() => rooms.delete(graphId));
      rooms.set(graphId, p);
    }
    cancelRelease(graphId);
    return p;
  }

  function cancelRelease(graphId: string) {
    const t = idleTimers.get(graphId);
    if (t) clearTimeout(t);
    idleTimers.delete(graphId);
  }

  /** Free an unused room after a grace period (a reload should not reload the doc from SQL). */
  function scheduleRelease(graphId: string, room: Room) {
    cancelRelease(graphId);
    const release = () => {
      idleTimers.delete(graphId);
      if (room.connectionCount > 0 && !room.isClosed) return;
      if (loaded.get(graphId) !== room) return;
      loaded.delete(graphId);
      rooms.delete(graphId);
      const done = room
        .close()
        .catch((err) => log(`collab ${graphId}: closing failed: ${(err as Error).message}`))
        .finally(() => {
          if (releasing.get(graphId) === done) releasing.delete(graphId);
        });
      releasing.set(graphId, done);
    };
    if (room.isClosed) release();
    else idleTimers.set(graphId, setTimeout(release, idleMs).unref());
  }

  async function withRoom<T>(graphId: string, fn: (room: Room) => T | Promise<T>): Promise<T> {
    const room = UUID.test(graphId) ? await getRoom(graphId) : null;
    if (!room) throw new CollabGraphNotFound(graphId);
    try {
      return await fn(room);
    } finally {
      if (room.connectionCount === 0) scheduleRelease(graphId, room);
    }
  }

  function refuse(socket: Duplex, status: number, text: string) {
    if (!socket.writable) return socket.destroy();
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, graphId: string) {
    if (closing) return refuse(socket, 503, "Service Unavailable");
    if (!UUID.test(graphId)) return refuse(socket, 404, "Not Found");
    const access = options.authorize ? await options.authorize(req, graphId) : "write";
    if (access === "not-found") return refuse(socket, 404, "Not Found");
    if (!access) return refuse(socket, 403, "Forbidden");
    const room = await getRoom(graphId);
    if (!room) return refuse(socket, 404, "Not Found");
    if (socket.destroyed) {
      if (room.connectionCount === 0) scheduleRelease(graphId, room);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (room.isClosed) return ws.close(1013, "try again");
      room.addConnection(ws, { readOnly: access === "read" });
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? "").split("?")[0];
      if (!path.startsWith(COLLAB_PATH)) return false;
      socket.on("error", () => socket.destroy());
      const graphId = decodeURIComponent(path.slice(COLLAB_PATH.length).replace(/\/+$/, ""));
      upgrade(req, socket, head, graphId).catch((err) => {
        log(`collab ${graphId}: upgrade failed: ${(err as Error).message}`);
        refuse(socket, 500, "Internal Server Error");
      });
      return true;
    },

    replaceDocument: (graphId, document) =>
      withRoom(graphId, async (room) => {
        room.replace(document);
        await room.flush();
      }),

    getDocument: (graphId) => withRoom(graphId, (room) => room.document()),

    connectionCount(graphId) {
      return loaded.get(graphId)?.connectionCount ?? 0;
    },

    async close() {
      closing = true;
      for (const t of idleTimers.values()) clearTimeout(t);
      idleTimers.clear();
      const all = await Promise.allSettled([...rooms.values()]);
      rooms.clear();
      loaded.clear();
      await Promise.all([
        ...all.map((r) => (r.status === "fulfilled" && r.value ? r.value.close() : undefined)),
        ...releasing.values(),
      ]);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
