/** What every editor component can reach: the session, the catalog, commands and live stores. */
import { createContext, useContext } from "react";
import type { NodeTypeInfo } from "../../../schemas/index.js";
import type { CollabSession } from "../collab/session.js";
import type { Catalog } from "../graph/ports.js";
import type { Store } from "../lib/store.js";
import type { RunTracker } from "../runs/tracker.js";
import type { EditorCommands } from "./commands.js";
import type { Validator } from "./validation.js";

export type RightTab = "inspect" | "run" | "history" | "versions";

export interface UiState {
  rightTab: RightTab;
  showShortcuts: boolean;
  /** The node whose outputs/logs the run panel shows. */
  focusNodeId: string | null;
}

export interface EditorEnv {
  graphId: string;
  session: CollabSession;
  catalog: Catalog;
  nodeTypes: NodeTypeInfo[];
  commands: EditorCommands;
  validator: Validator;
  runs: RunTracker;
  ui: Store<UiState>;
  /** Start a run of the live graph; resolves with its id (errors are shown to the person). */
  startRun(budgetUsd?: number): Promise<string | null>;
}

export const EditorContext = createContext<EditorEnv | null>(null);

export function useEditor(): EditorEnv {
  const env = useContext(EditorContext);
  if (!env) throw new Error("useEditor outside the editor");
  return env;
}
