import { z } from "./zod";
import { ZGraph } from "../processes/graph";
import { line } from "./common";

/**
 * Processes as the editor, the server actions and the REST API send them. The graph's own rules (cycles, edges,
 * inputs against the plugins' definitions) need the plugin registry and live in lib/processes/validate-graph.ts.
 */

/** A process name: free text on one line (people name processes "Deploy web app"). */
export const ZProcessName = line(100).min(1, { error: "required" });

export const ZProcessCreate = z.strictObject({
  name: ZProcessName,
  description: z.string().trim().max(500, { error: "too_long" }).default(""),
});
export type TProcessCreate = z.input<typeof ZProcessCreate>;

/** A save: the version it edited (optimistic locking) and whatever changed. */
export const ZProcessUpdate = z.strictObject({
  version: z.number().int().positive(),
  name: ZProcessName.optional(),
  description: z.string().trim().max(500, { error: "too_long" }).optional(),
  graph: ZGraph.optional(),
});
export type TProcessUpdate = z.input<typeof ZProcessUpdate>;

/** Start a run of the whole process, of one node ("Test node"), or again with an earlier run's inputs ("Re-run"). */
export const ZRunRequest = z.strictObject({ nodeId: z.string().min(1).max(32).optional(), rerunOf: z.string().min(1).max(64).optional() });

export const ZProcessId = z.string().min(1).max(64);
