import type { Database } from "../db/index.js";
import type { RunEventHub } from "../engine/events.js";
import type { NodeRegistry } from "../nodes/registry.js";
import type { AuthSettings } from "./auth/settings.js";
import type { CollabService } from "./collab/index.js";

/** What route modules are given. Each feature's routes take only this. */
export interface ServerDeps {
  database: Database;
  registry: NodeRegistry;
  hub: RunEventHub;
  /** GENJED_HOME/media */
  mediaRoot: string;
  collab?: CollabService;
  /** Built editor (editor/dist), served at / when present. */
  editorDist?: string;
  /** Folder of template graph JSON files. */
  templatesDir?: string;
  /** Sign-in, CSRF and secrets settings (server/auth/settings.ts). Absent: defaults, and no secrets key (the secrets API answers 503). */
  auth?: AuthSettings;
  /** Where the server is reachable from outside, as every process agrees (services/public-url.ts). Absent: GENJED_PUBLIC_URL or localhost. */
  publicUrl?: () => Promise<string>;
}
