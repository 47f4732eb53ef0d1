import { z } from "../validations/zod";

/**
 * A process graph as stored in `Process.graph`: start/end/plugin nodes and directed edges. Each plugin node pins
 * its plugin's code AND version and holds its input values (literal, or `{{nodes.<id>.outputs.<key>}}`).
 * Only what the process needs is kept: the editor's view state (selection, sizes) is dropped on the way in.
 */

/** Node ids: short, URL- and template-safe (`{{nodes.<id>.outputs.<key>}}`). */
export const NODE_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** 1,000 plugin nodes plus Start and End (a 1,000-node fan-out is a benchmarked shape, BENCHMARKS.md P12). */
export const MAX_NODES = 1002;
export const MAX_EDGES = 4000;

const ZNodeId = z.string().regex(NODE_ID, { error: "invalid" });
const ZPosition = z.object({ x: z.number().finite(), y: z.number().finite() });

/** Most attempts a node may have after its first (its retry policy; default none). */
export const MAX_RETRIES = 5;

export const ZPluginNodeData = z.object({
  code: z.string().min(1).max(64),
  version: z.string().min(1).max(64),
  inputs: z.record(z.string().max(64), z.unknown()).default({}),
  /** Attempts after a failed first one (the plugin failed, timed out, or the instance running it stopped). */
  retries: z.number({ error: "invalid_type" }).int({ error: "invalid_type" }).min(0, { error: "invalid_type" }).max(MAX_RETRIES, { error: "invalid_type" }).optional(),
});

export const ZGraphNode = z.discriminatedUnion("type", [
  z.object({ id: ZNodeId, type: z.literal("start"), position: ZPosition }),
  z.object({ id: ZNodeId, type: z.literal("end"), position: ZPosition }),
  z.object({ id: ZNodeId, type: z.literal("plugin"), position: ZPosition, data: ZPluginNodeData }),
]);

export const ZGraphEdge = z.object({ id: z.string().min(1).max(80), source: ZNodeId, target: ZNodeId });

export const ZGraph = z.object({
  nodes: z.array(ZGraphNode).max(MAX_NODES, { error: "too_long" }),
  edges: z.array(ZGraphEdge).max(MAX_EDGES, { error: "too_long" }),
});

export type Graph = z.infer<typeof ZGraph>;
export type GraphNode = Graph["nodes"][number];
export type GraphEdge = Graph["edges"][number];
export type PluginNode = Extract<GraphNode, { type: "plugin" }>;

export const isPluginNode = (n: GraphNode): n is PluginNode => n.type === "plugin";

/** A new process: Start and End, not yet connected. */
export function emptyGraph(): Graph {
  return {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 120 } },
      { id: "end", type: "end", position: { x: 640, y: 120 } },
    ],
    edges: [],
  };
}

const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/** A short random node id not in `taken` (8 characters of an unambiguous alphabet). */
export function newNodeId(taken: Iterable<string> = [], random: () => number = Math.random): string {
  const used = new Set(taken);
  for (;;) {
    let id = "";
    for (let i = 0; i < 8; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)];
    if (!used.has(id)) return id;
  }
}

/** Plugin versions used by a graph: "code@version", each once, in node order. */
export function pluginRefs(graph: Graph): { code: string; version: string }[] {
  const seen = new Map<string, { code: string; version: string }>();
  for (const n of graph.nodes) if (isPluginNode(n)) seen.set(`${n.data.code}@${n.data.version}`, { code: n.data.code, version: n.data.version });
  return [...seen.values()];
}
