/** Who is here: avatars with initials in each person's colour (names are the signed-in names). */
import { initials, type UserIdentity } from "../collab/presence.js";
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";

export function Presence({ me }: { me: UserIdentity }) {
  const { session, commands } = useEditor();
  const peers = useStore(session.state, (s) => s.peers);
  return (
    <div className="presence" data-testid="presence">
      {peers.slice(0, 6).map((p) => (
        <button
          key={p.clientId}
          className="avatar"
          style={{ background: p.user.color }}
          title={`${p.user.name}${p.selection.length ? ` — editing ${p.selection.length} node(s)` : ""}`}
          data-testid="peer-avatar"
          onClick={() => p.selection[0] && commands.focusNode(p.selection[0])}
        >
          {initials(p.user.name)}
        </button>
      ))}
      {peers.length > 6 && <span className="avatar avatar-more">+{peers.length - 6}</span>}
      <span className="avatar avatar-me" style={{ background: me.color }} title={`You: ${me.name}`} data-testid="my-avatar">
        {initials(me.name)}
      </span>
    </div>
  );
}
