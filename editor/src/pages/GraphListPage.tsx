import { useRef, useState } from "react";
import { api, errorMessage } from "../api/client.js";
import type { GraphSummary, TemplateSummary } from "../api/types.js";
import { AppHeader } from "../components/AppHeader.js";
import { Dialog } from "../components/Dialog.js";
import { NamePrompt } from "../components/NamePrompt.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { downloadJson, fileNameFor, parseGraphFile } from "../graphs/files.js";
import { GraphCard, type GraphActions } from "../graphs/GraphCard.js";
import { TemplateList } from "../graphs/TemplateList.js";
import { navigate } from "../lib/router.js";
import { toast } from "../lib/toast.js";
import { useAsync } from "../lib/useAsync.js";

type Modal = { kind: "create" } | { kind: "rename"; graph: GraphSummary } | { kind: "delete"; graph: GraphSummary } | null;

export function GraphListPage() {
  const graphs = useAsync(() => api.listGraphs(), []);
  const [modal, setModal] = useState<Modal>(null);
  const [busy, setBusy] = useState(false);
  const [filter, setFilter] = useState("");
  const fileInput = useRef<HTMLInputElement>(null);

  const run = async (what: string, fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      toast("error", `${what} failed`, errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const open = (id: string) => navigate({ page: "editor", graphId: id });

  const actions: GraphActions = {
    rename: (graph) => setModal({ kind: "rename", graph }),
    remove: (graph) => setModal({ kind: "delete", graph }),
    duplicate: (graph) =>
      run("Duplicate", async () => {
        const full = await api.getGraph(graph.id);
        const name = `${full.name} (copy)`;
        await api.createGraph({ name, document: { ...full.document, name } });
        toast("success", `Duplicated as “${name}”`);
        graphs.reload();
      }),
    exportJson: (graph) =>
      run("Export", async () => {
        const full = await api.getGraph(graph.id);
        downloadJson(fileNameFor(full.name), full.document);
      }),
  };

  const useTemplate = (t: TemplateSummary) =>
    run("Creating from template", async () => {
      const full = await api.getTemplate(t.id);
      const created = await api.createGraph({ name: full.name, document: full.document });
      open(created.id);
    });

  const onImport = async (file: File) => {
    const parsed = parseGraphFile(await file.text());
    if (!parsed.ok) return toast("error", `Cannot import ${file.name}`, parsed.error);
    await run("Import", async () => {
      const created = await api.createGraph({ name: parsed.document.name, document: parsed.document });
      toast("success", `Imported “${parsed.document.name}”`);
      open(created.id);
    });
  };

  const shown = (graphs.data ?? []).filter((g) => g.name.toLowerCase().includes(filter.trim().toLowerCase()));

  return (
    <div className="page">
      <AppHeader current="graphs" />
      <main className="page-body">
        <div className="page-title-row">
          <h1>Graphs</h1>
          <div className="spacer" />
          <input className="input search" placeholder="Filter graphs…" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter graphs" />
          <button className="btn" onClick={() => fileInput.current?.click()} disabled={busy}>
            Import JSON
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="import-file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = "";
              if (f) void onImport(f);
            }}
          />
          <button className="btn btn-primary" onClick={() => setModal({ kind: "create" })} disabled={busy}>
            New graph
          </button>
        </div>

        <section className="section">
          <h2>Start from a template</h2>
          <TemplateList onUse={useTemplate} busy={busy} />
        </section>

        <section className="section">
          <h2>Your graphs</h2>
          {graphs.loading && !graphs.data ? (
            <Loading label="Loading graphs…" />
          ) : graphs.error ? (
            <ErrorState error={graphs.error} onRetry={graphs.reload} />
          ) : shown.length === 0 ? (
            <Empty
              title={filter ? "No graph matches" : "No graphs yet"}
              action={!filter && <button className="btn btn-primary" onClick={() => setModal({ kind: "create" })}>Create your first graph</button>}
            >
              {!filter && "Start from a template above, import a JSON file, or create an empty graph."}
            </Empty>
          ) : (
            <div className="graph-grid">
              {shown.map((g) => (
                <GraphCard key={g.id} graph={g} actions={actions} />
              ))}
            </div>
          )}
        </section>
      </main>

      {modal?.kind === "create" && (
        <NamePrompt
          title="New graph"
          label="Name"
          initial="Untitled graph"
          confirm="Create"
          onClose={() => setModal(null)}
          onSubmit={(name) =>
            run("Create", async () => {
              const created = await api.createGraph({ name });
              setModal(null);
              open(created.id);
            })
          }
        />
      )}
      {modal?.kind === "rename" && (
        <NamePrompt
          title="Rename graph"
          label="Name"
          initial={modal.graph.name}
          confirm="Rename"
          onClose={() => setModal(null)}
          onSubmit={(name) =>
            run("Rename", async () => {
              await api.updateGraph(modal.graph.id, { name });
              setModal(null);
              graphs.reload();
            })
          }
        />
      )}
      {modal?.kind === "delete" && (
        <Dialog
          title="Delete graph?"
          onClose={() => setModal(null)}
          actions={
            <>
              <button className="btn btn-ghost" onClick={() => setModal(null)}>
                Cancel
              </button>
              <button
                className="btn btn-danger-solid"
                onClick={() =>
                  run("Delete", async () => {
                    await api.deleteGraph(modal.graph.id);
                    setModal(null);
                    toast("success", `Deleted “${modal.graph.name}”`);
                    graphs.reload();
                  })
                }
              >
                Delete
              </button>
            </>
          }
        >
          “{modal.graph.name}” and its versions will be deleted. Past runs stay in the run history. This cannot be undone.
        </Dialog>
      )}
    </div>
  );
}
