/** Other people's cursors on the canvas, in flow coordinates so they stay on what they point at. */
import { ViewportPortal, useViewport } from "@xyflow/react";
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";

export function RemoteCursors() {
  const { session } = useEditor();
  const peers = useStore(session.state, (s) => s.peers);
  const { zoom } = useViewport();
  return (
    <ViewportPortal>
      {peers
        .filter((p) => p.cursor)
        .map((p) => (
          <div
            key={p.clientId}
            className="remote-cursor"
            data-testid="remote-cursor"
            data-user={p.user.name}
            // Counter-scale so the pointer keeps its size at any zoom.
            style={{ transform: `translate(${p.cursor!.x}px, ${p.cursor!.y}px) scale(${1 / zoom})`, color: p.user.color }}
          >
            <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden>
              <path d="M1 1l6.5 15 2.2-6.3L16 7.5z" fill="currentColor" stroke="#0b0d10" strokeWidth="1.2" strokeLinejoin="round" />
            </svg>
            <span className="remote-cursor-name" style={{ background: p.user.color }}>
              {p.user.name}
            </span>
          </div>
        ))}
    </ViewportPortal>
  );
}
