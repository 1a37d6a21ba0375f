/**
 * One graph being edited: its Y.Doc and awareness, the sockets connected to it, and the two
 * writers that keep PostgreSQL current (the update log and the materialised document).
 */
import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { Sql } from "../../db/index.js";
import { GraphDocumentSchema, type GraphDocument } from "../../schemas/graph.js";
import { applyGraphDocument, readGraphDocument } from "../../schemas/graph-ydoc.js";
import { DocumentSync } from "./document-sync.js";
import { loadGraphRow, loadUpdates } from "./persistence.js";
import { encodeAwareness, encodeSyncStep1, encodeUpdate, handleMessage } from "./protocol.js";
import { UpdateLog } from "./update-log.js";

export interface RoomOptions {
  compactAfter: number;
  documentWaitMs: number;
  documentMaxWaitMs: number;
  /** How often sockets are pinged; one missing pong closes the socket. */
  pingMs: number;
  log: (message: string) => void;
}

/** Origins of server-side transactions (clients' transactions carry their socket as origin). */
export const LOAD_ORIGIN = "collab:load";
export const REST_ORIGIN = "collab:rest";

/** Close codes in 4400-4499 tell the y-websocket client not to reconnect. */
export const CLOSE_GRAPH_DELETED = 4404;
export const CLOSE_GOING_AWAY = 1001;

export class Room {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each socket and the awareness client ids it speaks for (removed when it leaves). */
  private readonly conns = new Map<WebSocket, Set<number>>();
  private readonly alive = new WeakSet<WebSocket>();
  /** Sockets whose edits are dropped (viewers), and those already logged as having tried. */
  private readonly readOnly = new WeakSet<WebSocket>();
  private readonly refusedLogged = new WeakSet<WebSocket>();
  private readonly updateLog: UpdateLog;
  private readonly documentSync: DocumentSync;
  private readonly pingTimer: NodeJS.Timeout;
  private name: string;
  private closed = false;
  /** Called when the room has no sockets left, or the graph was deleted. */
  onIdle: () => void = () => {};

  private constructor(
    readonly graphId: string,
    sql: Sql,
    graph: { name: string; document: unknown; updates: Uint8Array[]; columnIsNewer: boolean },
    private readonly opts: RoomOptions,
  ) {
    this.name = graph.name;
    this.awareness.setLocalState(null); // the server is not a participant
    for (const u of graph.updates) Y.applyUpdate(this.doc, u, LOAD_ORIGIN);
    const gone = () => this.graphGone();
    const onError = (what: string) => (err: unknown) => opts.log(`collab ${graphId}: ${what} failed: ${(err as Error).message}`);
    this.updateLog = new UpdateLog(sql, graphId, graph.updates.length, { compactAfter: opts.compactAfter, onGone: gone, onError: onError("storing an update") });
    this.documentSync = new DocumentSync(sql, graphId, this.doc, () => this.name, graph.document, {
      waitMs: opts.documentWaitMs,
      maxWaitMs: opts.documentMaxWaitMs,
      onGone: gone,
      onError: onError("writing graphs.document"),
    });
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      const frame = encodeUpdate(update);
      for (const ws of this.conns.keys()) if (ws !== origin) send(ws, frame);
      this.updateLog.append(update);
      this.documentSync.schedule();
    });
    this.awareness.on("update", ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
      const ids = this.conns.get(origin as WebSocket);
      if (ids) {
        for (const id of added) ids.add(id);
        for (const id of removed) ids.delete(id);
      }
      // Sent to everyone, the sender too: a lone client's watchdog needs to hear something.
      const frame = encodeAwareness(this.awareness, [...added, ...updated, ...removed]);
      for (const ws of this.conns.keys()) send(ws, frame);
    });
    this.pingTimer = setInterval(() => this.ping(), opts.pingMs);
    this.pingTimer.unref();

    // Seed a never-edited graph from its JSON, or take a REST write the log has not seen.
    // Runs after the listeners are attached so the result is stored like any edit.
    const parsed = GraphDocumentSchema.safeParse(graph.document);
    if (graph.updates.length === 0 || graph.columnIsNewer) {
      if (parsed.success) applyGraphDocument(this.doc, parsed.data, LOAD_ORIGIN);
      else opts.log(`collab ${graphId}: graphs.document is not a valid graph document, starting from the stored edits`);
    }
  }

  /** Load a graph's room from PostgreSQL, or null when the graph does not exist. */
  static async load(sql: Sql, graphId: string, opts: RoomOptions): Promise<Room | null> {
    const row = await loadGraphRow(sql, graphId);
    if (!row) return null;
    const { updates, lastAt } = await loadUpdates(sql, graphId);
    // graphs.updated_at is bumped by every sync from the doc, so a column newer than the newest
    // stored update was written by someone else (a REST write that bypassed the collab service).
    const columnIsNewer = lastAt !== null && row.updatedAt > lastAt;
    return new Room(graphId, sql, { name: row.name, document: row.document, updates, columnIsNewer }, opts);
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  document(): GraphDocument {
    return readGraphDocument(this.doc, this.name);
  }

  replace(document: GraphDocument): void {
    this.name = document.name;
    applyGraphDocument(this.doc, document, REST_ORIGIN);
  }

  addConnection(ws: WebSocket, o: { readOnly?: boolean } = {}): void {
    this.conns.set(ws, new Set());
    this.alive.add(ws);
    if (o.readOnly) this.readOnly.add(ws);
    ws.binaryType = "nodebuffer";
    ws.on("pong", () => this.alive.add(ws));
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      try {
        const readOnly = this.readOnly.has(ws);
        const reply = handleMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), this.doc, this.awareness, ws, {
          readOnly,
          onRefused: () => {
            if (this.refusedLogged.has(ws)) return;
            this.refusedLogged.add(ws);
            this.opts.log(`collab ${this.graphId}: dropped an edit from a read-only socket`);
          },
        });
        if (reply) send(ws, reply);
      } catch (err) {
        this.opts.log(`collab ${this.graphId}: closing a socket that sent a bad frame: ${(err as Error).message}`);
        ws.close(1003, "malformed message");
      }
    });
    ws.on("close", () => this.removeConnection(ws));
    ws.on("error", () => this.removeConnection(ws));
    // The server starts the sync too, so a client learns what it is missing without asking twice.
    send(ws, encodeSyncStep1(this.doc));
    const states = [...this.awareness.getStates().keys()];
    if (states.length) send(ws, encodeAwareness(this.awareness, states));
  }

  /** Wait until every edit so far is in graph_doc_updates and graphs.document. */
  async flush(): Promise<void> {
    await this.updateLog.flush();
    await this.documentSync.flush();
  }

  /** Store everything, close the sockets (they reconnect elsewhere/later) and free the doc. */
  async close(code = CLOSE_GOING_AWAY, reason = "server shutting down"): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.dispose(code, reason);
  }

  private dispose(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.documentSync.stop();
    for (const ws of [...this.conns.keys()]) ws.close(code, reason);
    this.conns.clear();
    this.awareness.destroy();
    this.doc.destroy();
  }

  private removeConnection(ws: WebSocket) {
    const ids = this.conns.get(ws);
    if (!ids) return;
    this.conns.delete(ws);
    if (ids.size) awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], null);
    if (this.conns.size === 0) this.onIdle();
  }

  private ping() {
    for (const ws of this.conns.keys()) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        this.removeConnection(ws);
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  private graphGone() {
    this.updateLog.stop();
    this.dispose(CLOSE_GRAPH_DELETED, "graph deleted");
    this.onIdle();
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

function send(ws: WebSocket, frame: Uint8Array) {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(frame, (err) => {
    if (err) ws.terminate();
  });
}
