CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"rule_id" text NOT NULL,
	"status" text NOT NULL,
	"severity" text NOT NULL,
	"message" text NOT NULL,
	"value" double precision NOT NULL,
	"threshold" double precision NOT NULL,
	"run_id" uuid,
	"fired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "library_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"publication_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"visitor" text,
	"referrer" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"publication_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"metric" text NOT NULL,
	"value" double precision NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"collected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"run_id" uuid,
	"node_id" text,
	"item" text,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"request" jsonb NOT NULL,
	"platform_state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"platform_id" text,
	"url" text,
	"media_hash" text,
	"product_id" text,
	"format" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"scheduled_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" bigint NOT NULL,
	"run_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"item" text NOT NULL,
	"decision" text NOT NULL,
	"item_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notes" text,
	"reviewer" text NOT NULL,
	"automatic" boolean DEFAULT false NOT NULL,
	"revision_target" text,
	"payload" jsonb NOT NULL,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_events" ADD CONSTRAINT "library_events_publication_id_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."publications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_samples" ADD CONSTRAINT "metric_samples_publication_id_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."publications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_decisions" ADD CONSTRAINT "review_decisions_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_rule" ON "alerts" USING btree ("rule_id") WHERE status = 'firing';--> statement-breakpoint
CREATE INDEX "alerts_fired" ON "alerts" USING btree ("fired_at");--> statement-breakpoint
CREATE INDEX "library_events_pub" ON "library_events" USING btree ("publication_id","kind","at");--> statement-breakpoint
CREATE INDEX "metric_samples_series" ON "metric_samples" USING btree ("publication_id","metric","collected_at");--> statement-breakpoint
CREATE INDEX "metric_samples_collected" ON "metric_samples" USING btree ("collected_at");--> statement-breakpoint
CREATE UNIQUE INDEX "publications_idempotency" ON "publications" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "publications_channel_published" ON "publications" USING btree ("channel","published_at");--> statement-breakpoint
CREATE INDEX "publications_due" ON "publications" USING btree ("status","scheduled_at");--> statement-breakpoint
CREATE INDEX "publications_run" ON "publications" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_decisions_review" ON "review_decisions" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "review_decisions_item" ON "review_decisions" USING btree ("run_id","node_id","item");