/**
 * The AES-256-GCM box lives in services/secrets/ so the trigger store can seal webhook secrets
 * without importing server code; the auth layer keeps importing it from here.
 */
export * from "../../services/secrets/secret-box.js";
