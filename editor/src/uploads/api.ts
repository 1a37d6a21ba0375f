/** The uploads API from the editor: send files (multipart, with the CSRF header), list and read earlier ones. */
import type { UploadList, UploadView } from "../../../schemas/uploads.js";
import { request } from "../api/client.js";

export async function uploadFiles(files: File[], signal?: AbortSignal): Promise<UploadView[]> {
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  return (await request<{ uploads: UploadView[] }>("POST", "/api/uploads", form, signal)).uploads;
}

export function listUploads(o: { kind?: "image" | "video" | "audio" | "file"; limit?: number; offset?: number } = {}, signal?: AbortSignal): Promise<UploadList> {
  const q = new URLSearchParams();
  if (o.kind) q.set("kind", o.kind);
  if (o.limit) q.set("limit", String(o.limit));
  if (o.offset) q.set("offset", String(o.offset));
  const qs = q.toString();
  return request<UploadList>("GET", `/api/uploads${qs ? `?${qs}` : ""}`, undefined, signal);
}

export const getUpload = (hash: string, signal?: AbortSignal) => request<UploadView>("GET", `/api/uploads/${encodeURIComponent(hash)}`, undefined, signal);
