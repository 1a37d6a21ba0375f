/** A graph's triggers: the list (pause, delete, history), the new-trigger form and a manual run with inputs. */
import { useState } from "react";
import type { TriggerView } from "../../../schemas/triggers.js";
import { api, ApiError } from "../api/client.js";
import { AppHeader } from "../components/AppHeader.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { hrefOf } from "../lib/router.js";
import { useAsync } from "../lib/useAsync.js";
import { triggersApi } from "./api.js";
import { ManualRunForm } from "./ManualRunForm.js";
import { TriggerCard } from "./TriggerCard.js";
import { TriggerForm } from "./TriggerForm.js";
import { WebhookSecret } from "./WebhookSecret.js";
import "./triggers.css";

export function TriggersPage({ graphId }: { graphId: string }) {
  const data = useAsync(async () => {
    const [graph, triggers, versions] = await Promise.all([api.getGraph(graphId), triggersApi.list(graphId), api.listVersions(graphId)]);
    return { graph, triggers, versions };
  }, [graphId]);
  const [secret, setSecret] = useState<TriggerView | null>(null);

  let body;
  if (data.loading && !data.data) body = <Loading label="Loading triggers…" />;
  else if (data.error || !data.data) {
    const missing = data.error instanceof ApiError && data.error.status === 404;
    body = <ErrorState title={missing ? "This graph does not exist" : undefined} error={data.error} onRetry={missing ? undefined : data.reload} />;
  } else {
    const { graph, triggers, versions } = data.data;
    body = (
      <>
        <div className="page-title-row">
          <h1>Triggers</h1>
          <span className="muted" data-testid="triggers-graph-name">
            {graph.name}
          </span>
          <div className="spacer" />
          <a className="btn" href={hrefOf({ page: "calendar" })}>
            Calendar
          </a>
          <a className="btn" href={hrefOf({ page: "editor", graphId })}>
            Open in editor
          </a>
        </div>
        {secret && <WebhookSecret trigger={secret} onDone={() => setSecret(null)} />}
        <div className="two-col triggers-layout">
          <section className="section card">
            <h2>Runs on its own</h2>
            {!versions.length && (
              <p className="small muted">No version is saved yet: the first fire saves the graph as it is then. Save versions in the editor to control what triggers run.</p>
            )}
            {triggers.length === 0 ? (
              <Empty title="No triggers yet">Add a schedule, a webhook or a feed condition, and this graph runs without anyone pressing Run.</Empty>
            ) : (
              <div className="trigger-list">
                {triggers.map((t) => (
                  <TriggerCard key={t.id} trigger={t} onChanged={data.reload} onSecret={setSecret} />
                ))}
              </div>
            )}
          </section>
          <div>
            <section className="section card">
              <h2>New trigger</h2>
              <TriggerForm
                graphId={graphId}
                document={graph.document}
                versions={versions}
                onCreated={(t) => {
                  if (t.secret) setSecret(t);
                  data.reload();
                }}
              />
            </section>
            <section className="section card">
              <h2>Run now with inputs</h2>
              <ManualRunForm graphId={graphId} document={graph.document} />
            </section>
          </div>
        </div>
      </>
    );
  }
  return (
    <div className="page">
      <AppHeader current="graphs" />
      <main className="page-body">{body}</main>
    </div>
  );
}
