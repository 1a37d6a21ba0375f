CREATE TABLE "cache_entries" (
	"key" text PRIMARY KEY NOT NULL,
	"node_type" text NOT NULL,
	"output" jsonb NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "graph_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"graph_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"label" text,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "graphs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"document" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media" (
	"hash" text PRIMARY KEY NOT NULL,
	"mime" text NOT NULL,
	"size" bigint NOT NULL,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"item" text NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"item" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"stage" integer DEFAULT 0 NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"cost_breakdown" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reserved_usd" double precision DEFAULT 0 NOT NULL,
	"inputs" jsonb,
	"output" jsonb,
	"error" jsonb,
	"cache_key" text,
	"provider" text,
	"waiting" jsonb,
	"queued_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" bigint
);
--> statement-breakpoint
CREATE TABLE "run_nodes" (
	"run_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"pending_deps" integer NOT NULL,
	"status" text NOT NULL,
	"items_total" integer,
	"items_done" integer DEFAULT 0 NOT NULL,
	"output" jsonb,
	"config_patch" jsonb,
	CONSTRAINT "run_nodes_run_id_node_id_pk" PRIMARY KEY("run_id","node_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"graph_id" uuid,
	"version_id" uuid,
	"name" text NOT NULL,
	"document" jsonb NOT NULL,
	"plan" jsonb NOT NULL,
	"status" text NOT NULL,
	"budget_usd" double precision,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"estimate_usd" double precision DEFAULT 0 NOT NULL,
	"concurrency" integer DEFAULT 4 NOT NULL,
	"trigger" jsonb,
	"error" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "worker_heartbeats" (
	"process_id" text PRIMARY KEY NOT NULL,
	"worker_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "graph_versions" ADD CONSTRAINT "graph_versions_graph_id_graphs_id_fk" FOREIGN KEY ("graph_id") REFERENCES "public"."graphs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "node_logs" ADD CONSTRAINT "node_logs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "node_runs" ADD CONSTRAINT "node_runs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_nodes" ADD CONSTRAINT "run_nodes_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_graph_id_graphs_id_fk" FOREIGN KEY ("graph_id") REFERENCES "public"."graphs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_version_id_graph_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."graph_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "graph_versions_graph_number" ON "graph_versions" USING btree ("graph_id","number");--> statement-breakpoint
CREATE INDEX "node_logs_run" ON "node_logs" USING btree ("run_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "node_runs_run_node_item" ON "node_runs" USING btree ("run_id","node_id","item");--> statement-breakpoint
CREATE INDEX "node_runs_status" ON "node_runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "runs_graph_created" ON "runs" USING btree ("graph_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_created" ON "runs" USING btree ("created_at");