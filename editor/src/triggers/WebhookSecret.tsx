/** A new webhook's URL and signing secret, shown this once, with a signing example to copy. */
import type { TriggerView } from "../../../schemas/triggers.js";
import { toast } from "../lib/toast.js";
import { signingExample } from "./form.js";

export function WebhookSecret({ trigger, onDone }: { trigger: TriggerView; onDone: () => void }) {
  const url = `${window.location.origin}/hooks/${trigger.id}`;
  const copy = (text: string, what: string) =>
    navigator.clipboard?.writeText(text).then(
      () => toast("success", `${what} copied`),
      () => toast("warn", `Could not copy; select the ${what.toLowerCase()} and copy it by hand`),
    );
  return (
    <section className="secret-box" data-testid="webhook-secret" role="status">
      <h2>Webhook “{trigger.name}” is ready — copy its secret now</h2>
      <p className="small muted">The secret is shown only this once. Senders sign each request with it (HMAC-SHA256 over the timestamp and the raw body); requests with a bad, old or reused signature are refused and start nothing.</p>
      <div className="form-grid">
        <label className="wide">
          POST to
          <div className="secret-value" data-testid="webhook-url">
            {url}
          </div>
        </label>
        <label className="wide">
          Signing secret
          <div className="secret-value" data-testid="webhook-secret-value">
            {trigger.secret}
          </div>
        </label>
      </div>
      <div className="button-row">
        <button className="btn btn-small" onClick={() => copy(trigger.secret ?? "", "Secret")}>
          Copy secret
        </button>
        <button className="btn btn-small" onClick={() => copy(signingExample(url, trigger.secret ?? ""), "Example")}>
          Copy curl example
        </button>
        <span className="spacer" />
        <button className="btn btn-small btn-primary" onClick={onDone} data-testid="secret-done">
          I have stored it
        </button>
      </div>
      <pre className="code-block">{signingExample(url, trigger.secret ?? "")}</pre>
    </section>
  );
}
