/** The week or month grid: one cell per local day, items in time order, each opening its run, trigger or post. */
import type { CalendarItem, CalendarView } from "../../../schemas/triggers.js";
import { hrefOf } from "../lib/router.js";
import { weekdayOf, type CalendarMode } from "./grid.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Where an item leads: the run it started, the post, or the trigger that will fire. */
export function itemHref(item: CalendarItem): string | null {
  if (item.kind === "published" && item.url) return item.url;
  if (item.runId && item.graphId) return hrefOf({ page: "editor", graphId: item.graphId, runId: item.runId });
  if (item.graphId) return hrefOf({ page: "triggers", graphId: item.graphId });
  return null;
}

function Item({ item }: { item: CalendarItem }) {
  const href = itemHref(item);
  const external = item.kind === "published" && Boolean(item.url);
  const label = `${item.time} ${item.title}${item.channel ? ` · ${item.channel}` : ""} (${item.kind}${item.status && item.status !== item.kind ? `, ${item.status}` : ""})`;
  return (
    <a
      className={`cal-item ${item.kind} ${item.status ?? ""}`}
      href={href ?? undefined}
      target={external ? "_blank" : undefined}
      rel={external ? "noreferrer" : undefined}
      title={label}
      data-testid="calendar-item"
      data-kind={item.kind}
    >
      <span className="cal-time">{item.time}</span>
      <span className="cal-title">
        {item.channel ? `${item.channel} · ` : ""}
        {item.title}
      </span>
    </a>
  );
}

export function CalendarGrid({ view, mode, today, month }: { view: CalendarView; mode: CalendarMode; today: string; month: string }) {
  const max = mode === "month" ? 4 : 50;
  return (
    <div className={`cal-grid ${mode}`} data-testid="calendar-grid" data-mode={mode}>
      {WEEKDAYS.map((d) => (
        <div key={d} className="cal-weekday">
          {d}
        </div>
      ))}
      {view.days.map((day) => {
        const outside = mode === "month" && !day.date.startsWith(month);
        return (
          <div key={day.date} className={`cal-day ${outside ? "outside" : ""} ${day.date === today ? "today" : ""}`} data-testid="calendar-day" data-date={day.date}>
            <span className="cal-date" title={`${weekdayOf(day.date)} ${day.date}`}>
              {Number(day.date.slice(8))}
            </span>
            {day.items.slice(0, max).map((item, i) => (
              <Item key={`${item.kind}-${item.at}-${item.triggerId ?? item.runId ?? i}`} item={item} />
            ))}
            {day.items.length > max && <span className="cal-more">+{day.items.length - max} more</span>}
          </div>
        );
      })}
    </div>
  );
}
