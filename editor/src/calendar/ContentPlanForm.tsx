/** The content-plan helper: a graph, channels, posts per day and time slots -> N days of scheduled runs at once. */
import { useState } from "react";
import { api, ApiError, errorMessage } from "../api/client.js";
import { useAsync } from "../lib/useAsync.js";
import { toast } from "../lib/toast.js";
import { triggersApi, type PlanAnswer } from "../triggers/api.js";
import { addDays, pretty } from "./grid.js";

export function ContentPlanForm({ timezone, today, onCreated }: { timezone: string; today: string; onCreated: (start: string) => void }) {
  const graphs = useAsync(() => api.listGraphs(), []);
  const [graphId, setGraphId] = useState("");
  const [channels, setChannels] = useState("instagram_reels");
  const [postsPerDay, setPostsPerDay] = useState("3");
  const [slots, setSlots] = useState("09:00, 13:00, 18:00");
  const [start, setStart] = useState(() => addDays(today, 1));
  const [days, setDays] = useState("7");
  const [preview, setPreview] = useState<PlanAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = graphId || graphs.data?.[0]?.id || "";

  const body = (dryRun: boolean) => ({
    graphId: chosen,
    channels: channels.split(",").map((c) => c.trim()).filter(Boolean),
    postsPerDay: Number(postsPerDay),
    slots: slots.split(",").map((s) => s.trim()).filter(Boolean),
    timezone,
    start,
    days: Number(days),
    dryRun,
  });
  const send = async (dryRun: boolean) => {
    setError(null);
    if (!chosen) return setError("Graph: choose the graph to schedule");
    setBusy(true);
    try {
      const answer = await triggersApi.plan(body(dryRun));
      if (dryRun) setPreview(answer);
      else {
        setPreview(null);
        toast("success", `Scheduled ${answer.entries.length} runs on ${answer.triggers.length} channel${answer.triggers.length === 1 ? "" : "s"}`);
        onCreated(start);
      }
    } catch (err) {
      const field = err instanceof ApiError ? (err.details as { field?: string; issues?: { path: string }[] } | undefined) : undefined;
      const where = field?.field ?? field?.issues?.[0]?.path;
      setError(where && !errorMessage(err).startsWith(where) ? `${where}: ${errorMessage(err)}` : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const perDay = new Map<string, number>();
  for (const e of preview?.entries ?? []) perDay.set(e.date, (perDay.get(e.date) ?? 0) + 1);

  return (
    <div data-testid="content-plan">
      <div className="form-grid">
        <label className="wide">
          Graph
          <select className="input" value={chosen} onChange={(e) => setGraphId(e.target.value)} data-testid="plan-graph">
            {(graphs.data ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label className="wide">
          Channels (comma-separated)
          <input className="input" value={channels} onChange={(e) => setChannels(e.target.value)} data-testid="plan-channels" />
          {preview?.channelOptions && <span className="small muted">This graph knows: {preview.channelOptions.join(", ")}</span>}
        </label>
        <label>
          Posts per day
          <input className="input" type="number" min={1} max={24} value={postsPerDay} onChange={(e) => setPostsPerDay(e.target.value)} data-testid="plan-posts" />
        </label>
        <label>
          Time slots ({timezone})
          <input className="input" value={slots} placeholder="spread 09:00–21:00" onChange={(e) => setSlots(e.target.value)} data-testid="plan-slots" />
        </label>
        <label>
          First day
          <input className="input" type="date" value={start} onChange={(e) => setStart(e.target.value)} data-testid="plan-start" />
        </label>
        <label>
          Days
          <input className="input" type="number" min={1} max={31} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
      </div>
      {error && (
        <div className="form-error" role="alert" data-testid="plan-error">
          {error}
        </div>
      )}
      <div className="button-row">
        <button className="btn" onClick={() => send(true)} disabled={busy} data-testid="plan-preview">
          Preview
        </button>
        <button className="btn btn-primary" onClick={() => send(false)} disabled={busy} data-testid="plan-create">
          Schedule the runs
        </button>
      </div>
      {preview && (
        <div data-testid="plan-preview-result">
          <div className="small">
            <b>{preview.entries.length}</b> runs at {preview.slots.join(", ")} ({preview.timezone}):
          </div>
          <table className="table plan-table">
            <tbody>
              {[...perDay].map(([date, n]) => (
                <tr key={date}>
                  <td>{pretty(date, true)}</td>
                  <td className="num">{n} runs</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
