/** The graph editor: palette, collaborative canvas, inspector and run panels. */
import { ReactFlowProvider } from "@xyflow/react";
import { useEffect, useState } from "react";
import type { NodeTypeInfo } from "../../../schemas/index.js";
import { api, ApiError, errorMessage } from "../api/client.js";
import { loadIdentity, type UserIdentity } from "../collab/presence.js";
import { CollabSession } from "../collab/session.js";
import { AppHeader } from "../components/AppHeader.js";
import { ErrorState, Loading } from "../components/States.js";
import { Canvas } from "../editor/Canvas.js";
import { EditorCommands } from "../editor/commands.js";
import { EditorContext, type EditorEnv, type UiState } from "../editor/context.js";
import { Palette } from "../editor/Palette.js";
import { RightPanel } from "../editor/RightPanel.js";
import { ShortcutsHelp, useShortcuts } from "../editor/Shortcuts.js";
import { TopBar } from "../editor/TopBar.js";
import { Validator } from "../editor/validation.js";
import { createStore, useStore } from "../lib/store.js";
import { toast } from "../lib/toast.js";
import { useAsync } from "../lib/useAsync.js";
import { RunTracker } from "../runs/tracker.js";

export function EditorPage({ graphId, runId }: { graphId: string; runId?: string }) {
  // The graph must exist (a wrong link gets a clear message, not a socket retrying forever).
  const boot = useAsync(async () => {
    const [graph, nodeTypes] = await Promise.all([api.getGraph(graphId), api.nodeTypes()]);
    return { graph, nodeTypes };
  }, [graphId]);
  if (boot.loading && !boot.data) {
    return (
      <div className="page">
        <AppHeader current="graphs" />
        <Loading label="Opening graph…" />
      </div>
    );
  }
  if (boot.error || !boot.data) {
    const missing = boot.error instanceof ApiError && boot.error.status === 404;
    return (
      <div className="page">
        <AppHeader current="graphs" />
        <ErrorState title={missing ? "This graph does not exist" : undefined} error={missing ? new Error("It may have been deleted. Go back to the graph list.") : boot.error} onRetry={missing ? undefined : boot.reload} />
      </div>
    );
  }
  return <Editor graphId={graphId} nodeTypes={boot.data.nodeTypes} runId={runId} />;
}

function buildEnv(graphId: string, nodeTypes: NodeTypeInfo[], me: UserIdentity): EditorEnv {
  const session = new CollabSession(graphId, me);
  const catalog = new Map(nodeTypes.map((t) => [t.type, t]));
  const runs = new RunTracker();
  const ui = createStore<UiState>({ rightTab: "inspect", showShortcuts: false, focusNodeId: null });
  return {
    graphId,
    session,
    catalog,
    nodeTypes,
    commands: new EditorCommands(session, () => catalog),
    validator: new Validator(session.doc),
    runs,
    ui,
    async startRun(budgetUsd) {
      try {
        const { runId } = await api.startRun({ graphId, budgetUsd });
        await runs.show(runId);
        ui.set((s) => ({ ...s, rightTab: "run" }));
        return runId;
      } catch (err) {
        const details = err instanceof ApiError && Array.isArray(err.details) ? (err.details as { message?: string }[]).slice(0, 3).map((d) => d.message).join("\n") : undefined;
        toast("error", `Cannot run: ${errorMessage(err)}`, details);
        ui.set((s) => ({ ...s, rightTab: "inspect" }));
        return null;
      }
    },
  };
}

function Editor({ graphId, nodeTypes, runId }: { graphId: string; nodeTypes: NodeTypeInfo[]; runId?: string }) {
  const [me] = useState<UserIdentity>(() => loadIdentity());
  const [env, setEnv] = useState<EditorEnv | null>(null);
  // Built in an effect (not a memo) so a remount never reuses a destroyed session.
  useEffect(() => {
    const built = buildEnv(graphId, nodeTypes, loadIdentity());
    setEnv(built);
    // Exposed for debugging and the browser benchmarks (read the doc, time remote edits).
    (window as unknown as { __genjed?: unknown }).__genjed = { session: built.session, commands: built.commands };
    return () => {
      built.validator.destroy();
      built.runs.destroy();
      built.session.destroy();
    };
  }, [graphId, nodeTypes]);
  if (!env) return <Loading label="Opening graph…" />;
  return <EditorView env={env} me={me} runId={runId} />;
}

function EditorView({ env, me, runId }: { env: EditorEnv; me: UserIdentity; runId?: string }) {
  const graphId = env.graphId;
  useEffect(() => env.session.setUser(me), [env, me]);
  useShortcuts(env);

  const synced = useStore(env.session.state, (s) => s.synced);
  const status = useStore(env.session.state, (s) => s.status);
  const showShortcuts = useStore(env.ui, (s) => s.showShortcuts);

  // Once the doc is here: check it, and show the latest run's states on the canvas.
  useEffect(() => {
    if (!synced) return;
    void env.validator.run();
    // A link to one run (#/graphs/ID/runs/RUN, from the calendar or trigger history) shows that run.
    if (runId) {
      void env.runs.show(runId);
      env.ui.set((s) => ({ ...s, rightTab: "run" }));
      return;
    }
    api
      .listRuns(graphId, 1)
      .then((list) => {
        if (list[0] && !env.runs.currentRunId) void env.runs.show(list[0].id);
      })
      .catch(() => {});
  }, [synced, env, graphId, runId]);

  return (
    <EditorContext.Provider value={env}>
      <ReactFlowProvider>
        <div className="editor">
          <TopBar me={me} />
          {status === "disconnected" && synced && (
            <div className="banner banner-warn" data-testid="reconnecting">
              Connection lost — reconnecting. Keep working: your edits are kept and merge when the connection is back.
            </div>
          )}
          {status === "gone" && (
            <div className="banner banner-error">
              This graph was deleted by someone else. <a href="#/">Back to graphs</a>
            </div>
          )}
          <div className="editor-body">
            <Palette />
            <div className="canvas-wrap">
              {synced ? <Canvas /> : <Loading label={status === "disconnected" ? "Cannot reach the collaboration server — retrying…" : "Syncing the graph…"} />}
            </div>
            <RightPanel />
          </div>
        </div>
        {showShortcuts && <ShortcutsHelp onClose={() => env.ui.set((s) => ({ ...s, showShortcuts: false }))} />}
      </ReactFlowProvider>
    </EditorContext.Provider>
  );
}
