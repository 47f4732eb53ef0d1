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
