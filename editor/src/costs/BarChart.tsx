/** A small SVG bar chart of spend over days (no chart library needed for one series). */
import { usd } from "../lib/format.js";
import type { DaySpend } from "./aggregate.js";

export function BarChart({ data, height = 200 }: { data: DaySpend[]; height?: number }) {
  const max = Math.max(0.01, ...data.map((d) => d.usd));
  // About the width it is shown at, so text keeps its size instead of scaling with the page.
  const W = 1100;
  const pad = { l: 48, r: 8, t: 10, b: 24 };
  const bw = (W - pad.l - pad.r) / Math.max(1, data.length);
  const y = (v: number) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
  const ticks = [0, max / 2, max];
  return (
    <svg className="bar-chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label="Spend per day" data-testid="spend-chart">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} className="chart-grid" />
          <text x={pad.l - 6} y={y(t) + 4} textAnchor="end" className="chart-tick">
            {usd(t)}
          </text>
        </g>
      ))}
      {data.map((d, i) => (
        <g key={d.day}>
          <rect x={pad.l + i * bw + 2} y={y(d.usd)} width={Math.max(1, bw - 4)} height={Math.max(0, height - pad.b - y(d.usd))} className="chart-bar" rx={2}>
            <title>
              {d.day}: {usd(d.usd)} over {d.runs} run{d.runs === 1 ? "" : "s"}
            </title>
          </rect>
          {(data.length <= 14 || i % Math.ceil(data.length / 10) === 0) && (
            <text x={pad.l + i * bw + bw / 2} y={height - 6} textAnchor="middle" className="chart-tick">
              {d.day.slice(5)}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}

/** Horizontal bars for a ranked breakdown (node types, models). */
export function RankBars({ rows, unit = "items" }: { rows: { key: string; usd: number; count: number }[]; unit?: string }) {
  const max = Math.max(0.0001, ...rows.map((r) => r.usd));
  if (!rows.length) return <div className="muted small">Nothing yet.</div>;
  return (
    <div className="rank-bars">
      {rows.map((r) => (
        <div key={r.key} className="rank-row">
          <span className="rank-key" title={r.key}>
            {r.key}
          </span>
          <span className="rank-track">
            <span className="rank-fill" style={{ width: `${(r.usd / max) * 100}%` }} />
          </span>
          <span className="rank-value">{usd(r.usd)}</span>
          <span className="rank-count muted small">
            {r.count} {r.count === 1 ? unit.replace(/s$/, "") : unit}
          </span>
        </div>
      ))}
    </div>
  );
}
