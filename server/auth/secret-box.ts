/**
 * The AES-256-GCM box lives in engine/ so the trigger store can seal webhook secrets without
 * importing server code; the auth layer keeps importing it from here.
 */
export * from "../../engine/secret-box.js";
