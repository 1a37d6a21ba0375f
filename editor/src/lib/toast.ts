/** App-wide notifications (refused connections, failed saves, run started...). */
import { createStore } from "./store.js";

export interface Toast {
  id: number;
  kind: "info" | "success" | "error" | "warn";
  message: string;
  detail?: string;
}

export const toasts = createStore<Toast[]>([]);
let next = 1;

export function toast(kind: Toast["kind"], message: string, detail?: string, ms = kind === "error" ? 7000 : 4000): number {
  const id = next++;
  toasts.set((list) => [...list.filter((t) => t.message !== message), { id, kind, message, detail }].slice(-5));
  setTimeout(() => dismissToast(id), ms);
  return id;
}

export function dismissToast(id: number) {
  toasts.set((list) => list.filter((t) => t.id !== id));
}
