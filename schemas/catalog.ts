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
  /** Secret names the node may read (on its default config), so the editor can say "needs INSTAGRAM_ACCESS_TOKEN". */
  secrets: z.array(z.string()),
  /** How long one attempt may run before the engine fails it as NODE_TIMEOUT (ms). */
  timeoutMs: z.number().int().positive(),
});
export type NodeTypeInfo = z.infer<typeof NodeTypeInfoSchema>;
