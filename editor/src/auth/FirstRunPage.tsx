/** The page a one-time sign-in link opens (/first-run#token=...): choose a password, then in. */
import { useState } from "react";
import { Logo } from "../components/AppHeader.js";
import { completeFirstRun } from "./session.js";

export function FirstRunPage({ onDone }: { onDone: () => void }) {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token") ?? "";
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && again !== password;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await completeFirstRun(token, password, name.trim() || undefined);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="auth-page">
      <form className="auth-card card" onSubmit={submit} data-testid="first-run">
        <Logo />
        <h1>Welcome to Genjed Studio</h1>
        {!token ? (
          <div className="field-error">This link has no token. Use the full link printed by the server (it ends with #token=…).</div>
        ) : (
          <>
            <p className="muted">Choose your name and a password to finish setting up your account.</p>
            <label className="field">
              <span className="field-label">Your name (shown to others in the editor)</span>
              <input className="input" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus />
            </label>
            <label className="field">
              <span className="field-label">Password (at least 10 characters)</span>
              <input className="input" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            </label>
            <label className="field">
              <span className="field-label">Password again</span>
              <input className="input" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
              {mismatch && <span className="field-error">The passwords differ</span>}
            </label>
            {error && <div className="field-error" role="alert">{error}</div>}
            <button className="btn btn-primary" type="submit" disabled={busy || mismatch}>
              {busy ? "Saving…" : "Set password and continue"}
            </button>
          </>
        )}
      </form>
    </div>
  );
}
