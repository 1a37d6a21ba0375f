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

/** A review as GET /api/reviews lists it (services/reviews.ts ReviewView). */
export interface ReviewItem {
  id: string;
  status?: "pending" | "decided" | "closed";
  runId?: string;
  runName?: string;
  nodeId?: string;
  graphId?: string | null;
  graphName?: string | null;
  title?: string;
  instructions?: string;
  createdAt?: string | null;
  deadline?: string | null;
  defaultAction?: string;
  /** The candidates: each has an id (what "select" names), media and its own QA result. */
  items?: {
    id: string;
    label?: string;
    kind?: string;
    media?: MediaRef | MediaRef[] | null;
    qa?: { score?: number; route?: string; flags?: { id?: string; severity?: string; message?: string }[] };
    product?: Record<string, unknown>;
  }[];
  qa?: { score?: number; flags?: { check?: string; name?: string; severity?: string; message?: string; itemId?: string }[] } | null;
  product?: Record<string, unknown> | null;
  allowedDecisions?: string[];
  minSelect?: number;
  revisions?: { used: number; max: number };
  payload?: Record<string, unknown>;
}
