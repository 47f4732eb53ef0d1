import type { Edge, Node } from "@xyflow/react";
import type { Graph } from "@/lib/processes/graph";
import { adjacency, descendantsOf } from "@/lib/processes/order";

/** What a plugin node carries on the canvas: exactly what the process stores for it. */
export type PluginNodeData = { code: string; version: string; inputs: Record<string, unknown>; retries?: number };
export type FlowNode = Node<PluginNodeData, "plugin"> | Node<Record<string, never>, "start" | "end">;
export type FlowEdge = Edge;

export const isPluginFlowNode = (n: FlowNode): n is Node<PluginNodeData, "plugin"> => n.type === "plugin";

/** The stored graph → canvas nodes and edges (Start and End cannot be deleted). */
export function toFlow(graph: Graph): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes = graph.nodes.map((n): FlowNode =>
    n.type === "plugin"
      ? { id: n.id, type: "plugin", position: n.position, data: { ...n.data, inputs: { ...n.data.inputs } } }
      : { id: n.id, type: n.type, position: n.position, data: {}, deletable: false },
  );
  return { nodes, edges: graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })) };
}

/** Canvas state → the graph to save (view state such as selection and sizes is left behind). */
export function toGraph(nodes: FlowNode[], edges: FlowEdge[]): Graph {
  return {
    nodes: nodes.map((n) => {
      const position = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
      return isPluginFlowNode(n) ? { id: n.id, type: "plugin" as const, position, data: n.data } : { id: n.id, type: n.type as "start" | "end", position };
    }),
    edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
  };
}

/** Whether an edge source → target may be added: not into Start, not out of End, no duplicate, no loop. */
export function canConnect(nodes: FlowNode[], edges: FlowEdge[], source: string, target: string): boolean {
  if (source === target) return false;
  const type = (id: string) => nodes.find((n) => n.id === id)?.type;
  if (type(target) === "start" || type(source) === "end") return false;
  if (edges.some((e) => e.source === source && e.target === target)) return false;
  // A loop would appear if `source` can already be reached from `target`.
  return !descendantsOf(adjacency({ nodes, edges }), target).has(source);
}

export const edgeId = (source: string, target: string) => `e-${source}-${target}`;

const NODE_W = 208;
const NODE_H = 64;
const GAP = 24;

/** The first place at or below `want` where a new plugin node overlaps no other node. */
export function freeSpot(nodes: FlowNode[], want: { x: number; y: number }): { x: number; y: number } {
  const boxes = nodes.map((n) => ({ x: n.position.x, y: n.position.y, w: n.measured?.width ?? NODE_W, h: n.measured?.height ?? NODE_H }));
  const hits = (p: { x: number; y: number }) => boxes.some((b) => p.x < b.x + b.w + GAP && p.x + NODE_W + GAP > b.x && p.y < b.y + b.h + GAP && p.y + NODE_H + GAP > b.y);
  let p = { x: Math.round(want.x), y: Math.round(want.y) };
  for (let i = 0; i < 100 && hits(p); i++) p = { x: p.x, y: p.y + NODE_H + GAP };
  return p;
}
