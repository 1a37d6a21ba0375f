/** Shapes of API answers that have no zod schema in schemas/ (lists and summaries). */
import type { GraphDocument, MediaRef, RunStatus } from "../../../schemas/index.js";

export type { GraphSummary } from "../../../schemas/index.js";

export interface GraphVersion {
  id: string;
  graphId?: string;
  number: number;
  label: string | null;
  createdAt: string;
  document?: GraphDocument;
}

export interface RunSummary {
  id: string;
  graphId: string | null;
  name: string;
  status: RunStatus;
  costUsd: number;
  estimateUsd: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface LogLine {
  id?: number;
  nodeId: string;
  item: string;
  level: string;
  message: string;
  at: string;
}

export interface TemplateSummary {
  id: string;
  name: string;
  description?: string;
  nodeCount?: number;
}

export interface Template extends TemplateSummary {
  document: GraphDocument;
}

/** A pending human review as GET /api/reviews lists it (fields beyond id are read defensively). */
export interface ReviewItem {
  id: string;
  status?: string;
  runId?: string;
  nodeId?: string;
  graphId?: string | null;
  graphName?: string;
  runName?: string;
  title?: string;
  instructions?: string;
  createdAt?: string;
  deadline?: string | null;
  /** What is under review: each item has an id (for "select") and media. */
  items?: { id: string; label?: string; media?: MediaRef | MediaRef[] | null; data?: unknown }[];
  media?: MediaRef[];
  qa?: { score?: number; flags?: { check?: string; name?: string; severity?: string; message?: string; value?: unknown }[] } | null;
  product?: Record<string, unknown> | null;
  payload?: Record<string, unknown>;
  allowedDecisions?: string[];
}
