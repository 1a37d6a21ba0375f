/**
 * A file field: drop a file or pick one to upload it (POST /api/uploads), or choose one of the
 * workspace's earlier uploads; the value becomes `upload:<hash>`. Typing an examples/ path or an
 * http(s) URL still works. An upload shows its thumbnail and file name.
 */
import { useEffect, useRef, useState, type DragEvent } from "react";
import type { UploadView } from "../../../schemas/uploads.js";
import { errorMessage } from "../api/client.js";
import { getUpload, listUploads, uploadFiles } from "./api.js";
import { acceptAttribute, fileValue, formatBytes, kindFor, pickFiles, previewUrl, uploadFits, type FileAccept } from "./fields.js";
import "./uploads.css";

export interface FileInputProps {
  id: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  accept: FileAccept;
  placeholder?: string;
  /** On the text input; the drop zone gets `<testId>-drop`, the hidden file input `<testId>-file`. */
  testId?: string;
}

export function FileInput({ id, value, onChange, accept, placeholder, testId }: FileInputProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [picking, setPicking] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const current = fileValue(value);

  async function send(files: File[]) {
    if (files.length === 0) return;
    setBusy(files[0].name);
    setError(null);
    try {
      const [u] = await uploadFiles(files);
      onChange(u.ref);
      setPicking(false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void send(pickFiles(e.dataTransfer.files, false));
  };

  return (
    <div
      className={`file-field${dragging ? " dragging" : ""}`}
      data-testid={testId ? `${testId}-drop` : undefined}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {current.kind === "upload" && <UploadBadge hash={current.hash} />}
      <div className="file-field-row">
        <input
          id={id}
          className="input"
          data-testid={testId}
          value={value ?? ""}
          placeholder={placeholder ?? (accept === "image" ? "Drop an image, or a path / https URL" : "Drop a CSV or JSON file, or a path / https URL")}
          onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}
        />
      </div>
      <div className="file-field-actions">
        <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => picker.current?.click()}>
          {busy ? `Uploading ${busy}…` : "Upload…"}
        </button>
        <button type="button" className="link-btn" onClick={() => setPicking((p) => !p)} aria-expanded={picking}>
          {picking ? "hide uploads" : "choose from uploads"}
        </button>
        <input
          ref={picker}
          type="file"
          hidden
          accept={acceptAttribute(accept)}
          data-testid={testId ? `${testId}-file` : undefined}
          onChange={(e) => {
            void send(pickFiles(e.target.files, false));
            e.target.value = "";
          }}
        />
      </div>
      {error && <div className="field-error">{error}</div>}
      {picking && <UploadPicker accept={accept} selected={current.kind === "upload" ? current.hash : null} onPick={(u) => {
            onChange(u.ref);
            setPicking(false);
          }} />}
    </div>
  );
}

/** Thumbnail, name and size of the upload a value names (or why it cannot be shown). */
function UploadBadge({ hash }: { hash: string }) {
  const [u, setU] = useState<UploadView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setU(null);
    setError(null);
    getUpload(hash, ctl.signal).then(setU, (e) => {
      if ((e as Error).name !== "AbortError") setError(errorMessage(e));
    });
    return () => ctl.abort();
  }, [hash]);
  if (error) return <div className="field-error">This upload is not in the current workspace: {error}</div>;
  if (!u) return <div className="muted small">Loading upload…</div>;
  return (
    <div className="file-badge" data-testid="upload-badge">
      <Preview u={u} />
      <div className="file-badge-text">
        <span className="file-badge-name" title={u.name}>
          {u.name}
        </span>
        <span className="muted small">
          {u.media.mime} · {formatBytes(u.media.size)}
        </span>
      </div>
    </div>
  );
}

function Preview({ u }: { u: UploadView }) {
  const src = previewUrl(u);
  return src ? <img src={src} alt="" loading="lazy" /> : <span className="file-thumb-empty">{u.media.mime.split("/")[1]?.slice(0, 4) ?? "file"}</span>;
}

/** The workspace's earlier uploads that fit the field, newest first, a page at a time. */
function UploadPicker({ accept, selected, onPick }: { accept: FileAccept; selected: string | null; onPick: (u: UploadView) => void }) {
  const [items, setItems] = useState<UploadView[]>([]);
  const [next, setNext] = useState<number | null>(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function load(offset: number) {
    setLoading(true);
    try {
      const page = await listUploads({ kind: kindFor(accept), limit: 48, offset });
      setItems((prev) => [...(offset === 0 ? [] : prev), ...page.uploads.filter((u) => uploadFits(u, accept))]);
      setNext(page.next);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => {
    void load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [accept]);

  if (error) return <div className="field-error">{error}</div>;
  return (
    <div className="upload-picker" data-testid="upload-picker">
      {items.map((u) => (
        <button type="button" key={u.media.hash} className={`upload-choice${u.media.hash === selected ? " selected" : ""}`} title={u.name} onClick={() => onPick(u)}>
          <Preview u={u} />
          <span>{u.name}</span>
        </button>
      ))}
      {!loading && items.length === 0 && <div className="muted small">No {accept === "image" ? "images" : "CSV or JSON files"} uploaded in this workspace yet.</div>}
      {next !== null && next > 0 && (
        <button type="button" className="link-btn" disabled={loading} onClick={() => void load(next)}>
          more…
        </button>
      )}
    </div>
  );
}
