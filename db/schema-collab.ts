/**
 * Collaboration storage: the Y.Doc of each graph as a log of incremental Yjs updates.
 * The server appends every update as it arrives (a restart loses no edit) and merges the rows
 * into one past a threshold, so loading a graph never replays thousands of tiny updates.
 */
import { bigserial, index, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { bytea, graphs } from "./schema.js";

export const graphDocUpdates = pgTable(
  "graph_doc_updates",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    graphId: uuid("graph_id")
      .notNull()
      .references(() => graphs.id, { onDelete: "cascade" }),
    update: bytea("update").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("graph_doc_updates_graph").on(t.graphId, t.id)],
);
