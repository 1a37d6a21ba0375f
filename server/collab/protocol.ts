/**
 * The y-websocket wire protocol (what the `y-websocket` WebsocketProvider speaks): every binary
 * frame starts with a varUint message type; sync frames carry y-protocols/sync messages,
 * awareness frames an encoded awareness update.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(enc, doc);
  return encoding.toUint8Array(enc);
}

export function encodeUpdate(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MESSAGE_SYNC);
  syncProtocol.writeUpdate(enc, update);
  return encoding.toUint8Array(enc);
}

export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(enc);
}

/**
 * Handle one frame from a client. Sync messages are applied to `doc` with `origin` as the
 * transaction origin; the returned bytes (if any) are the reply to send back to that client.
 * A read-only client may ask for the document (sync step 1) and share presence, but the updates
 * it sends (sync step 2, update) are dropped unread. Throws on a malformed frame.
 */
export function handleMessage(
  data: Uint8Array,
  doc: Y.Doc,
  awareness: awarenessProtocol.Awareness,
  origin: unknown,
  o: { readOnly?: boolean; onRefused?: () => void } = {},
): Uint8Array | null {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  switch (type) {
    case MESSAGE_SYNC: {
      if (o.readOnly) {
        const syncType = decoding.readVarUint(decoder);
        if (syncType !== syncProtocol.messageYjsSyncStep1) {
          // A client's step 2 carries what it has that we lack: for a viewer, only edits to refuse.
          // Dropping it when empty too costs nothing: the client is synced by our own step 2.
          if (!isEmptyUpdate(decoding.readVarUint8Array(decoder))) o.onRefused?.();
          return null;
        }
        const enc = encoding.createEncoder();
        encoding.writeVarUint(enc, MESSAGE_SYNC);
        syncProtocol.readSyncStep1(decoder, enc, doc);
        return encoding.toUint8Array(enc);
      }
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, MESSAGE_SYNC);
      syncProtocol.readSyncMessage(decoder, enc, doc, origin);
      // Only the type byte: the message needed no answer (an update or a sync step 2).
      return encoding.length(enc) > 1 ? encoding.toUint8Array(enc) : null;
    }
    case MESSAGE_AWARENESS:
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), origin);
      return null;
    case MESSAGE_QUERY_AWARENESS:
      return encodeAwareness(awareness, [...awareness.getStates().keys()]);
    case MESSAGE_AUTH:
      // Permission is decided on the upgrade; clients never send auth frames.
      return null;
    default:
      throw new Error(`unknown y-websocket message type ${type}`);
  }
}

/** An update that changes nothing (what a client with no edits of its own answers in sync step 2). */
function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && ds.clients.size === 0;
}
