CREATE TABLE "trigger_fires" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trigger_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"scheduled_for" timestamp with time zone,
	"fired_at" timestamp with time zone NOT NULL,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"detail" jsonb,
	"run_id" uuid,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trigger_snapshots" (
	"trigger_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trigger_snapshots_trigger_id_item_key_pk" PRIMARY KEY("trigger_id","item_key")
);
--> statement-breakpoint
CREATE TABLE "triggers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"graph_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"version_id" uuid,
	"config" jsonb NOT NULL,
	"overlap" text DEFAULT 'skip' NOT NULL,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"channel" text,
	"budget_usd" double precision,
	"secret" text,
	"next_fire_at" timestamp with time zone,
	"last_fired_at" timestamp with time zone,
	"last_checked_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trigger_fires" ADD CONSTRAINT "trigger_fires_trigger_id_triggers_id_fk" FOREIGN KEY ("trigger_id") REFERENCES "public"."triggers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trigger_fires" ADD CONSTRAINT "trigger_fires_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trigger_snapshots" ADD CONSTRAINT "trigger_snapshots_trigger_id_triggers_id_fk" FOREIGN KEY ("trigger_id") REFERENCES "public"."triggers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triggers" ADD CONSTRAINT "triggers_graph_id_graphs_id_fk" FOREIGN KEY ("graph_id") REFERENCES "public"."graphs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triggers" ADD CONSTRAINT "triggers_version_id_graph_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."graph_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "trigger_fires_once" ON "trigger_fires" USING btree ("trigger_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "trigger_fires_history" ON "trigger_fires" USING btree ("trigger_id","fired_at");--> statement-breakpoint
CREATE INDEX "trigger_fires_open" ON "trigger_fires" USING btree ("status") WHERE status in ('pending', 'queued');--> statement-breakpoint
CREATE INDEX "trigger_fires_run" ON "trigger_fires" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "triggers_graph" ON "triggers" USING btree ("graph_id");--> statement-breakpoint
CREATE INDEX "triggers_due" ON "triggers" USING btree ("next_fire_at") WHERE enabled;