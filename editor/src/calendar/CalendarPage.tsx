/** The content calendar: week or month, in a chosen time zone, what is scheduled, what ran and what was published; plus the content plan. */
import { useState } from "react";
import type { CalendarView } from "../../../schemas/triggers.js";
import { AppHeader } from "../components/AppHeader.js";
import { ErrorState, Loading } from "../components/States.js";
import { useAsync } from "../lib/useAsync.js";
import { timeZones, triggersApi } from "../triggers/api.js";
import { CalendarGrid } from "./CalendarGrid.js";
import { ContentPlanForm } from "./ContentPlanForm.js";
import { browserZone, step, todayIn, viewRange, type CalendarMode } from "./grid.js";
import "./calendar.css";

const showsRange = (v: CalendarView, r: { start: string; days: number }) => v.days.length === r.days && v.days[0]?.date === r.start;

export function CalendarPage() {
  const [timezone, setTimezone] = useState(browserZone);
  const today = todayIn(timezone);
  const [mode, setMode] = useState<CalendarMode>("week");
  const [anchor, setAnchor] = useState(today);
  const [channel, setChannel] = useState("");
  const range = viewRange(mode, anchor);
  const zoneOk = timeZones().includes(timezone) || timezone === "UTC";
  const view = useAsync(
    () => triggersApi.calendar({ start: range.start, days: range.days, timezone, channel: channel.trim() || undefined }),
    [range.start, range.days, zoneOk ? timezone : "", channel],
  );

  return (
    <div className="page">
      <AppHeader current="calendar" />
      <main className="page-body">
        <div className="page-title-row">
          <h1>Content calendar</h1>
          <div className="spacer" />
          <button className="btn" onClick={view.reload}>
            Refresh
          </button>
        </div>
        <div className="cal-toolbar">
          <div role="group" aria-label="View">
            <button className="btn btn-small" aria-pressed={mode === "week"} onClick={() => setMode("week")} data-testid="view-week">
              Week
            </button>{" "}
            <button className="btn btn-small" aria-pressed={mode === "month"} onClick={() => setMode("month")} data-testid="view-month">
              Month
            </button>
          </div>
          <button className="btn btn-small" onClick={() => setAnchor(step(mode, anchor, -1))} aria-label="Previous" data-testid="cal-prev">
            ‹
          </button>
          <button className="btn btn-small" onClick={() => setAnchor(today)}>
            Today
          </button>
          <button className="btn btn-small" onClick={() => setAnchor(step(mode, anchor, 1))} aria-label="Next" data-testid="cal-next">
            ›
          </button>
          <span className="cal-label" data-testid="cal-label">
            {range.label}
          </span>
          <div className="spacer" />
          <input className="input input-small" style={{ width: 160 }} placeholder="all channels" value={channel} onChange={(e) => setChannel(e.target.value)} aria-label="Channel" />
          <input className="input input-small" style={{ width: 200 }} list="cal-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)} aria-label="Time zone" data-testid="cal-timezone" />
          <datalist id="cal-tz">
            {timeZones().map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
        {!zoneOk ? (
          <div className="form-error">Unknown time zone “{timezone}”: pick one from the list.</div>
        ) : view.loading && (!view.data || !showsRange(view.data, range)) ? (
          // Switching week <-> month: never lay the old range out in the new grid.
          <Loading label="Loading the calendar…" />
        ) : view.error || !view.data ? (
          <ErrorState error={view.error} onRetry={view.reload} />
        ) : (
          <CalendarGrid view={view.data} mode={mode} today={today} month={anchor.slice(0, 7)} />
        )}
        <div className="cal-legend">
          <span>
            <i style={{ background: "var(--accent)" }} />
            scheduled
          </span>
          <span>
            <i style={{ background: "#4fb0ff" }} />
            ran (opens the run)
          </span>
          <span>
            <i style={{ background: "var(--success)" }} />
            published (opens the post)
          </span>
        </div>
        <section className="section card" style={{ marginTop: 20 }}>
          <h2>Content plan</h2>
          <p className="small muted">Pick a graph, channels, posts per day and time slots: the runs for the coming days are scheduled at once (one schedule per channel, each pausable on the triggers page).</p>
          <ContentPlanForm
            timezone={timezone}
            today={today}
            onCreated={(start) => {
              setAnchor(start);
              view.reload();
            }}
          />
        </section>
      </main>
    </div>
  );
}
