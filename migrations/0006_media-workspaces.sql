CREATE TABLE "media_workspaces" (
	"hash" text NOT NULL,
	"workspace_id" uuid NOT NULL,
	CONSTRAINT "media_workspaces_hash_workspace_id_pk" PRIMARY KEY("hash","workspace_id")
);
--> statement-breakpoint
INSERT INTO "media_workspaces" ("hash", "workspace_id")
SELECT DISTINCT h.v #>> '{}', r.workspace_id
FROM "node_runs" nr
JOIN "runs" r ON r.id = nr.run_id,
LATERAL (SELECT jsonb_path_query(nr.output, 'strict $.**.hash') AS v UNION ALL SELECT jsonb_path_query(nr.output, 'strict $.**.thumbnail')) h
WHERE nr.output IS NOT NULL AND r.workspace_id IS NOT NULL AND jsonb_typeof(h.v) = 'string' AND (h.v #>> '{}') ~ '^[a-f0-9]{64}$'
ON CONFLICT DO NOTHING;
