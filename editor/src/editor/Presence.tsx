/** Who is here: avatars with initials in each person's colour; mine can be renamed. */
import { useState } from "react";
import { initials, saveIdentity, type UserIdentity } from "../collab/presence.js";
import { NamePrompt } from "../components/NamePrompt.js";
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";

export function Presence({ me, onRename }: { me: UserIdentity; onRename: (u: UserIdentity) => void }) {
  const { session, commands } = useEditor();
  const peers = useStore(session.state, (s) => s.peers);
  const [renaming, setRenaming] = useState(false);
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
      <button className="avatar avatar-me" style={{ background: me.color }} title={`You: ${me.name} (click to rename)`} onClick={() => setRenaming(true)} data-testid="my-avatar">
        {initials(me.name)}
      </button>
      {renaming && (
        <NamePrompt
          title="Your name"
          label="Shown to others next to your cursor"
          initial={me.name}
          confirm="Save"
          onClose={() => setRenaming(false)}
          onSubmit={(name) => {
            const next = { ...me, name };
            saveIdentity(next);
            onRename(next);
            setRenaming(false);
          }}
        />
      )}
    </div>
  );
}
