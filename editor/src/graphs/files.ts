/** Import and export of graph documents as JSON files. */
import { GraphDocumentSchema, type GraphDocument } from "../../../schemas/index.js";

export function downloadJson(filename: string, value: unknown) {
  const blob = new Blob([JSON.stringify(value, null, 2) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const fileNameFor = (name: string) => `${name.replace(/[^a-zA-Z0-9-_ ]+/g, "").trim().replace(/\s+/g, "-").toLowerCase() || "graph"}.genjed.json`;

/** Parse an imported file; the error names what is wrong and where. */
export function parseGraphFile(text: string): { ok: true; document: GraphDocument } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not a JSON file: ${(err as Error).message}` };
  }
  // Accept an exported graph record ({ id, name, document }) as well as a bare document.
  if (raw && typeof raw === "object" && "document" in raw && !("nodes" in raw)) raw = (raw as { document: unknown }).document;
  const parsed = GraphDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "document";
    return { ok: false, error: `Not a Genjed graph: ${where}: ${issue.message}${parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : ""}` };
  }
  return { ok: true, document: parsed.data };
}
