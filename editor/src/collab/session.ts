/**
 * One editing session of a graph: the Y.Doc synced over y-websocket, awareness (presence), this
 * person's UndoManager (tracking only their origin) and the React Flow binding.
 */
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { graphMaps } from "../../../schemas/graph-ydoc.js";
import { createStore, type Store } from "../lib/store.js";
import { GraphBinding } from "./binding.js";
import { peersFrom, type Peer, type UserIdentity } from "./presence.js";

export type ConnectionStatus = "connecting" | "connected" | "disconnected" | "gone";

export interface SessionState {
  status: ConnectionStatus;
  /** True once the first full sync with the server finished (before that the doc is empty). */
  synced: boolean;
  peers: Peer[];
  canUndo: boolean;
  canRedo: boolean;
}

export class CollabSession {
  readonly doc = new Y.Doc();
  /** Origin of every edit made by this person: the only one their undo manager tracks. */
  readonly origin = { local: true };
  readonly provider: WebsocketProvider;
  readonly undo: Y.UndoManager;
  readonly binding: GraphBinding;
  readonly state: Store<SessionState> = createStore<SessionState>({ status: "connecting", synced: false, peers: [], canUndo: false, canRedo: false });
  private cursorFrame = 0;
  private pendingCursor: { x: number; y: number } | null = null;

  constructor(
    readonly graphId: string,
    user: UserIdentity,
    serverUrl = defaultCollabUrl(),
  ) {
    const { nodes, edges, meta } = graphMaps(this.doc);
    this.provider = new WebsocketProvider(serverUrl, graphId, this.doc, { maxBackoffTime: 4000 });
    this.undo = new Y.UndoManager([nodes, edges, meta], { trackedOrigins: new Set([this.origin]), captureTimeout: 400 });
    this.binding = new GraphBinding(this.doc, this.origin);
    this.provider.awareness.setLocalState({ user, cursor: null, selection: [] });

    this.provider.on("status", ({ status }: { status: "connecting" | "connected" | "disconnected" }) => {
      if (this.state.get().status !== "gone") this.patch({ status });
    });
    this.provider.on("sync", (synced: boolean) => this.patch({ synced: synced || this.state.get().synced }));
    this.provider.on("closed", ({ code }: { code: number }) => {
      if (code === 4404) this.patch({ status: "gone" });
    });
    this.provider.awareness.on("change", this.onAwareness);
    const onStack = () => this.patch({ canUndo: this.undo.undoStack.length > 0, canRedo: this.undo.redoStack.length > 0 });
    this.undo.on("stack-item-added", onStack);
    this.undo.on("stack-item-popped", onStack);
    this.undo.on("stack-cleared", onStack);
    this.binding.onSelectionChange((nodeIds) => this.provider.awareness.setLocalStateField("selection", nodeIds));
  }

  setUser(user: UserIdentity) {
    this.provider.awareness.setLocalStateField("user", user);
  }

  /** Share my cursor (flow coordinates), at most once per animation frame. */
  setCursor(pos: { x: number; y: number } | null) {
    this.pendingCursor = pos;
    if (this.cursorFrame) return;
    this.cursorFrame = requestAnimationFrame(() => {
      this.cursorFrame = 0;
      this.provider.awareness.setLocalStateField("cursor", this.pendingCursor);
    });
  }

  /** Group everything until the next call into one undo step (a drag, a paste). */
  stopCapturing() {
    this.undo.stopCapturing();
  }

  /** Run edits as this person (undoable by them alone). */
  transact(fn: () => void) {
    this.doc.transact(fn, this.origin);
  }

  destroy() {
    if (this.cursorFrame) cancelAnimationFrame(this.cursorFrame);
    this.provider.awareness.off("change", this.onAwareness);
    this.binding.destroy();
    this.undo.destroy();
    this.provider.destroy();
    this.doc.destroy();
  }

  private onAwareness = () => {
    this.patch({ peers: peersFrom(this.provider.awareness.getStates() as Map<number, Record<string, unknown>>, this.doc.clientID) });
  };

  private patch(p: Partial<SessionState>) {
    this.state.set((s) => ({ ...s, ...p }));
  }
}

export function defaultCollabUrl(): string {
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}/collab`;
}
