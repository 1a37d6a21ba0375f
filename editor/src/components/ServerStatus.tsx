/**
 * A banner while the API server cannot be reached, with what to do; it checks again by itself
 * and disappears when the server is back.
 */
import { useEffect, useState } from "react";
import { api } from "../api/client.js";

export function ServerStatus() {
  const [down, setDown] = useState(false);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const check = async () => {
      setChecking(true);
      let ok = false;
      try {
        await api.health();
        ok = true;
      } catch {
        ok = false;
      }
      if (!alive) return;
      setChecking(false);
      setDown(!ok);
      timer = setTimeout(check, ok ? 15_000 : 3_000);
    };
    void check();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, []);
  if (!down) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="server-down">
      <strong>Cannot reach the Genjed server.</strong> Your edits stay in this tab and sync when it is back. Start it with{" "}
      <code>npm start</code>. {checking ? "Checking…" : "Retrying every few seconds."}
    </div>
  );
}
