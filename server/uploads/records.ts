/**
 * A workspace's upload records: the `uploads` row (its name for the file, who, when) and the
 * `media_workspaces` grant that lets the workspace read the blob (/media, the file resolver).
 */
import type { Queryable } from "../../db/index.js";
import type { MediaRef } from "../../schemas/index.js";
import { uploadRef, type UploadList, type UploadView } from "../../schemas/uploads.js";
import { mediaKind } from "../../services/storage.js";
import { iso } from "../../lib/time.js";

interface Row {
  hash: string;
  name: string;
  mime: string;
  size: number;
  meta: Record<string, unknown> | null;
  createdAt: string;
  uploadedBy: string | null;
}

function view(r: Row): UploadView {
  const { thumbnail, ...meta } = r.meta ?? {};
  const media: MediaRef = {
    hash: r.hash,
    mime: r.mime,
    size: Number(r.size),
    url: `/media/${r.hash}`,
    kind: mediaKind(r.mime),
    // The name is this workspace's, never the media row's: the same bytes may be another's file.
    meta: { ...meta, name: r.name },
    ...(typeof thumbnail === "string" ? { thumbnail } : {}),
  };
  return { ref: uploadRef(r.hash), name: r.name, media, uploadedAt: iso(r.createdAt), uploadedBy: r.uploadedBy };
}

/** Record a stored blob (and its thumbnail) as uploaded by the workspace; the same bytes again update the name and time. */
export async function recordUpload(q: Queryable, o: { workspaceId: string; userId: string; name: string; media: MediaRef }): Promise<void> {
  const hashes = [o.media.hash, ...(o.media.thumbnail ? [o.media.thumbnail] : [])];
  await q`insert into media_workspaces (hash, workspace_id) select unnest(${hashes}::text[]), ${o.workspaceId} on conflict do nothing`;
  await q`
    insert into uploads (workspace_id, hash, name, mime, size, uploaded_by)
    values (${o.workspaceId}, ${o.media.hash}, ${o.name}, ${o.media.mime}, ${o.media.size}, ${o.userId})
    on conflict (workspace_id, hash) do update set name = excluded.name, uploaded_by = excluded.uploaded_by, created_at = now()`;
}

export async function listUploads(q: Queryable, workspaceId: string, o: { kind?: MediaRef["kind"]; limit: number; offset: number }): Promise<UploadList> {
  // Kinds as mediaKind() gives them: image/, video/, audio/ by mime prefix, everything else "file".
  const kind = o.kind ?? null;
  const rows = await q<Row[]>`
    select u.hash, u.name, u.mime, u.size, m.meta, u.created_at as "createdAt", us.name as "uploadedBy"
    from uploads u left join media m on m.hash = u.hash left join users us on us.id = u.uploaded_by
    where u.workspace_id = ${workspaceId}
      and (${kind}::text is null or (${kind}::text = 'file' and u.mime !~ '^(image|video|audio)/') or u.mime like ${`${kind}/%`})
    order by u.created_at desc, u.hash
    limit ${o.limit + 1} offset ${o.offset}`;
  const more = rows.length > o.limit;
  return { uploads: rows.slice(0, o.limit).map(view), next: more ? o.offset + o.limit : null };
}

export async function getUpload(q: Queryable, workspaceId: string, hash: string): Promise<UploadView | null> {
  const [row] = await q<Row[]>`
    select u.hash, u.name, u.mime, u.size, m.meta, u.created_at as "createdAt", us.name as "uploadedBy"
    from uploads u left join media m on m.hash = u.hash left join users us on us.id = u.uploaded_by
    where u.workspace_id = ${workspaceId} and u.hash = ${hash}`;
  return row ? view(row) : null;
}

/**
 * Remove the workspace's record of an upload. Its read grant goes too, unless one of the
 * workspace's runs named the blob in an output (their results must stay viewable). The blob itself
 * stays in storage: content-addressed bytes may be shared with other workspaces and the run cache.
 */
export async function deleteUpload(q: Queryable, workspaceId: string, hash: string): Promise<UploadView | null> {
  const found = await getUpload(q, workspaceId, hash);
  if (!found) return null;
  await q`delete from uploads where workspace_id = ${workspaceId} and hash = ${hash}`;
  const hashes = [hash, ...(found.media.thumbnail ? [found.media.thumbnail] : [])];
  await q`
    delete from media_workspaces mw
    where mw.workspace_id = ${workspaceId} and mw.hash = any(${hashes}::text[])
      and not exists (select 1 from uploads u where u.workspace_id = ${workspaceId} and u.hash = mw.hash)
      and not exists (
        select 1 from node_runs nr join runs r on r.id = nr.run_id
        where r.workspace_id = ${workspaceId} and nr.output is not null and strpos(nr.output::text, mw.hash) > 0)`;
  return found;
}
