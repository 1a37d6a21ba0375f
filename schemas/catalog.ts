import { z } from "zod";
import { PortSpecSchema } from "./ports.js";

/** A node type as the editor and API see it: ports, category and its config as JSON Schema. */
export const NodeTypeInfoSchema = z.object({
  type: z.string(),
  version: z.number().int(),
  title: z.string(),
  category: z.string(),
  description: z.string(),
  inputs: z.array(PortSpecSchema),
  outputs: z.array(PortSpecSchema),
  configSchema: z.record(z.string(), z.unknown()),
  /** True when a run of this node may cost money (the budget is checked before it starts). */
  paid: z.boolean(),
  providers: z.array(z.string()),
});
export type NodeTypeInfo = z.infer<typeof NodeTypeInfoSchema>;
