DROP INDEX "alerts_open_rule";--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "workspace_id" uuid DEFAULT genjed_default_workspace() NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_rule_workspace" ON "alerts" USING btree ("rule_id","workspace_id") WHERE status = 'firing';