/** Cron expression, presets, time zone and missed-fire policy, with the schedule in words and its next times before saving. */
import { useEffect, useState } from "react";
import type { CronPreview } from "../../../schemas/triggers.js";
import { errorMessage } from "../api/client.js";
import { triggersApi, timeZones } from "./api.js";
import { PRESETS, type TriggerFormState } from "./form.js";

export function CronFields({ form, set }: { form: TriggerFormState; set: (patch: Partial<TriggerFormState>) => void }) {
  const [preview, setPreview] = useState<CronPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      triggersApi.cronPreview(form.expression, form.timezone, ctrl.signal).then(
        (p) => {
          setPreview(p);
          setProblem(null);
        },
        (err) => {
          if ((err as Error).name === "AbortError") return;
          setPreview(null);
          setProblem(errorMessage(err));
        },
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [form.expression, form.timezone]);

  return (
    <>
      <div className="wide">
        <div className="presets" role="group" aria-label="Presets">
          {PRESETS.map((p) => (
            <button type="button" key={p.name} className="btn btn-small" aria-pressed={form.expression === p.expression} onClick={() => set({ expression: p.expression })} data-testid={`preset-${p.name}`}>
              {p.name}
            </button>
          ))}
        </div>
      </div>
      <label>
        Cron expression (minute hour day month weekday)
        <input className="input mono" value={form.expression} onChange={(e) => set({ expression: e.target.value })} data-testid="cron-expression" spellCheck={false} />
      </label>
      <label>
        Time zone
        <input className="input" list="tz-list" value={form.timezone} onChange={(e) => set({ timezone: e.target.value })} data-testid="cron-timezone" />
        <datalist id="tz-list">
          {timeZones().map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
      <div className="wide">
        {problem ? (
          <div className="cron-preview invalid" data-testid="cron-preview" role="alert">
            {problem}
          </div>
        ) : preview ? (
          <div className="cron-preview" data-testid="cron-preview">
            <b data-testid="cron-description">{preview.description}</b> <span className="muted">({form.timezone})</span>
            <ol>
              {preview.next.map((n) => (
                <li key={n.at} title={n.at}>
                  {n.local}
                </li>
              ))}
            </ol>
          </div>
        ) : (
          <div className="cron-preview muted">Checking the expression…</div>
        )}
      </div>
      <label className="wide">
        Fire times missed while the system was down
        <select className="input" value={form.missedPolicy} onChange={(e) => set({ missedPolicy: e.target.value as TriggerFormState["missedPolicy"] })} data-testid="missed-policy">
          <option value="skip">Skip them (record that they were missed)</option>
          <option value="catchup">Run once to catch up</option>
        </select>
      </label>
    </>
  );
}
