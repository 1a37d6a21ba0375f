/** The editor's top bar: back to graphs, graph name, connection state, presence, run controls. */
import { useEffect, useState } from "react";
import { readName } from "../../../schemas/graph-ydoc.js";
import type { UserIdentity } from "../collab/presence.js";
import { Logo } from "../components/AppHeader.js";
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";
import { Presence } from "./Presence.js";
import { RunControls } from "./RunControls.js";

const STATUS_TEXT = {
  connecting: "Connecting…",
  connected: "Live",
  disconnected: "Offline — reconnecting",
  gone: "Graph deleted",
} as const;

export function TopBar({ me }: { me: UserIdentity }) {
  const { session, commands, graphId } = useEditor();
  const status = useStore(session.state, (s) => s.status);
  const [name, setName] = useState(() => readName(session.doc));
  const [draft, setDraft] = useState<string | null>(null);
  useEffect(() => {
    const on = () => setName(readName(session.doc));
    session.doc.on("update", on);
    return () => session.doc.off("update", on);
  }, [session]);
  return (
    <header className="editor-topbar">
      <Logo />
      <nav className="crumbs">
        <a href="#/">Graphs</a>
        <span className="crumb-sep">/</span>
        <input
          className="name-input"
          aria-label="Graph name"
          value={draft ?? name}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => {
            if (draft !== null && draft.trim()) commands.rename(draft);
            setDraft(null);
          }}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
          data-testid="graph-name"
        />
      </nav>
      <span className={`conn conn-${status}`} data-testid="connection-status" title="Collaboration connection">
        <span className="conn-dot" />
        {STATUS_TEXT[status]}
      </span>
      <div className="spacer" />
      <Presence me={me} />
      <RunControls />
      <nav className="topbar-links">
        <a href={`#/graphs/${encodeURIComponent(graphId)}/triggers`} data-testid="triggers-link">Triggers</a>
        <a href="#/calendar">Calendar</a>
        <a href="#/reviews">Reviews</a>
        <a href="#/costs">Costs</a>
      </nav>
    </header>
  );
}
