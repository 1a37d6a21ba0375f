CREATE TABLE "graph_doc_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"graph_id" uuid NOT NULL,
	"update" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "graph_doc_updates" ADD CONSTRAINT "graph_doc_updates_graph_id_graphs_id_fk" FOREIGN KEY ("graph_id") REFERENCES "public"."graphs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "graph_doc_updates_graph" ON "graph_doc_updates" USING btree ("graph_id","id");