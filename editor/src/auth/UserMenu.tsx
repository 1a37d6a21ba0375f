/** The signed-in person and workspace, with sign out. */
import { useStore } from "../lib/store.js";
import { auth, signOut } from "./session.js";

export function UserMenu() {
  const me = useStore(auth, (s) => s.me);
  if (!me) return null;
  return (
    <div className="user-chip" data-testid="user-menu">
      <span title={me.user.email}>
        {me.user.name || me.user.email}
        {me.workspace ? ` · ${me.workspace.name} (${me.workspace.role})` : ""}
      </span>
      <button className="btn btn-small btn-ghost" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}
