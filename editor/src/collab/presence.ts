/**
 * Who I am on the canvas (name + colour, kept in localStorage) and what others see of me
 * through Yjs awareness: my cursor in flow coordinates and my selection.
 */
import { auth } from "../auth/session.js";

export interface UserIdentity {
  name: string;
  color: string;
}

export interface PresenceState {
  user: UserIdentity;
  cursor: { x: number; y: number } | null;
  selection: string[];
}

export interface Peer extends PresenceState {
  clientId: number;
}

const COLORS = ["#e5484d", "#f76b15", "#ffc53d", "#46a758", "#12a594", "#0090ff", "#8e4ec6", "#d6409f", "#6e56cf", "#3e63dd"];
const KEY = "genjed.user";

export function colorFor(seed: string): string {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length];
}

/** Who I am on the canvas: the signed-in name (issue 7), else a name kept in this browser. */
export function loadIdentity(): UserIdentity {
  const me = auth.get().me?.user;
  if (me) return { name: me.name || me.email.split("@")[0], color: colorFor(me.id) };
  try {
    const raw = localStorage.getItem(KEY);
    if (raw) {
      const v = JSON.parse(raw) as Partial<UserIdentity>;
      if (typeof v.name === "string" && v.name.trim() && typeof v.color === "string") return { name: v.name, color: v.color };
    }
  } catch {
    // storage unavailable or corrupt: fall through to a fresh identity
  }
  const name = `Designer ${Math.floor(100 + Math.random() * 900)}`;
  const identity = { name, color: colorFor(name + Date.now()) };
  saveIdentity(identity);
  return identity;
}

export function saveIdentity(identity: UserIdentity) {
  try {
    localStorage.setItem(KEY, JSON.stringify(identity));
  } catch {
    // private mode: the identity lasts for this tab only
  }
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

/** Remote peers from awareness states (myself and half-initialised states left out). */
export function peersFrom(states: Map<number, Record<string, unknown>>, selfId: number): Peer[] {
  const peers: Peer[] = [];
  for (const [clientId, s] of states) {
    if (clientId === selfId) continue;
    const user = s.user as UserIdentity | undefined;
    if (!user || typeof user.name !== "string") continue;
    const cursor = s.cursor as PresenceState["cursor"];
    peers.push({
      clientId,
      user: { name: user.name, color: typeof user.color === "string" ? user.color : colorFor(user.name) },
      cursor: cursor && Number.isFinite(cursor.x) && Number.isFinite(cursor.y) ? cursor : null,
      selection: Array.isArray(s.selection) ? (s.selection as string[]).filter((x) => typeof x === "string") : [],
    });
  }
  return peers.sort((a, b) => a.clientId - b.clientId);
}
