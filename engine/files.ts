/**
 * The file resolver wired to this engine's data: an `upload:<sha256>` reference is readable when
 * the workspace has that blob recorded in media_workspaces (uploads and the workspace's own run
 * outputs). Runs read as their workspace; condition triggers as their graph's workspace.
 */
import type { Queryable } from "../db/index.js";
import { createFileResolver, type FileResolver, type UploadLookup } from "../lib/files/index.js";
import type { MediaStorage } from "../nodes/contract.js";

type Reader = Pick<MediaStorage, "read">;

function lookup(storage: Reader, find: (hash: string) => Promise<{ mime: string; size: number }[]>): UploadLookup {
  return async (hash) => {
    const [row] = await find(hash);
    if (!row) return undefined;
    return { mime: row.mime, size: Number(row.size), read: () => storage.read(hash) };
  };
}

/** Uploads of the workspace (none when the workspace is unknown). */
export function filesForWorkspace(sql: Queryable, storage: Reader, workspaceId: string | null): FileResolver {
  return createFileResolver({
    uploads: lookup(storage, async (hash) =>
      workspaceId
        ? sql<{ mime: string; size: number }[]>`
            select m.mime, m.size from media m join media_workspaces w on w.hash = m.hash
            where m.hash = ${hash} and w.workspace_id = ${workspaceId}`
        : [],
    ),
  });
}

/** Uploads of the run's workspace. */
export function filesForRun(sql: Queryable, storage: Reader, runId: string): FileResolver {
  return createFileResolver({
    uploads: lookup(
      storage,
      (hash) => sql<{ mime: string; size: number }[]>`
        select m.mime, m.size from media m
        join media_workspaces w on w.hash = m.hash
        join runs r on r.workspace_id = w.workspace_id
        where m.hash = ${hash} and r.id = ${runId}`,
    ),
  });
}
