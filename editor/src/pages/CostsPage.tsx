/** Spend per run, per day, per node type and per model. */
import { useMemo, useState } from "react";
import { AppHeader } from "../components/AppHeader.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { spendByDay, spendByTypeAndModel } from "../costs/aggregate.js";
import { BarChart, RankBars } from "../costs/BarChart.js";
import { loadCostData } from "../costs/load.js";
import { RUN_STATUS_COLOR } from "../editor/status.js";
import { timeAgo, usd } from "../lib/format.js";
import { hrefOf } from "../lib/router.js";
import { useAsync } from "../lib/useAsync.js";

export function CostsPage() {
  const data = useAsync(() => loadCostData(), []);
  const [days, setDays] = useState(30);
  const byDay = useMemo(() => (data.data ? spendByDay(data.data.runs, days) : []), [data.data, days]);
  const breakdown = useMemo(() => (data.data ? spendByTypeAndModel(data.data.details) : null), [data.data]);
  const total = byDay.reduce((s, d) => s + d.usd, 0);
  const runCount = byDay.reduce((s, d) => s + d.runs, 0);
  return (
    <div className="page">
      <AppHeader current="costs" />
      <main className="page-body">
        <div className="page-title-row">
          <h1>Costs</h1>
          <div className="spacer" />
          <select className="input input-auto" value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label="Period">
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </select>
          <button className="btn" onClick={data.reload}>
            Refresh
          </button>
        </div>
        {data.loading && !data.data ? (
          <Loading label="Adding up spend…" />
        ) : data.error ? (
          <ErrorState error={data.error} onRetry={data.reload} />
        ) : !data.data?.runs.length ? (
          <Empty title="No runs yet">Spend appears here once graphs have run. Local providers run at $0.</Empty>
        ) : (
          <>
            <div className="stat-row">
              <div className="stat">
                <div className="stat-label">Spend, last {days} days</div>
                <div className="stat-value" data-testid="total-spend">
                  {usd(total)}
                </div>
              </div>
              <div className="stat">
                <div className="stat-label">Runs</div>
                <div className="stat-value">{runCount}</div>
              </div>
              <div className="stat">
                <div className="stat-label">Average per run</div>
                <div className="stat-value">{usd(runCount ? total / runCount : 0)}</div>
              </div>
            </div>
            <section className="section card">
              <h2>Spend per day</h2>
              <BarChart data={byDay} />
            </section>
            <div className="two-col">
              <section className="section card">
                <h2>Per node type</h2>
                <div className="muted small">Across the {data.data.details.length} most recent runs.</div>
                <RankBars rows={breakdown?.byType ?? []} unit="executions" />
              </section>
              <section className="section card">
                <h2>Per model</h2>
                <div className="muted small">From each node's recorded cost lines.</div>
                <RankBars rows={breakdown?.byModel ?? []} unit="charges" />
              </section>
            </div>
            <section className="section card">
              <h2>Per run</h2>
              <table className="table" data-testid="runs-table">
                <thead>
                  <tr>
                    <th>Run</th>
                    <th>Status</th>
                    <th>When</th>
                    <th className="num">Estimate</th>
                    <th className="num">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {data.data.runs.slice(0, 100).map((r) => (
                    <tr key={r.id}>
                      <td>{r.graphId ? <a href={hrefOf({ page: "editor", graphId: r.graphId })}>{r.name}</a> : r.name}</td>
                      <td>
                        <span className="run-status-dot" style={{ background: RUN_STATUS_COLOR[r.status] }} /> {r.status}
                      </td>
                      <td className="muted">{timeAgo(r.createdAt)}</td>
                      <td className="num muted">{usd(r.estimateUsd)}</td>
                      <td className="num">{usd(r.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </>
        )}
      </main>
    </div>
  );
}
