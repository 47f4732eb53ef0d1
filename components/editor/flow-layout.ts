import dagre from "@dagrejs/dagre";
import type { FlowEdge, FlowNode } from "./flow-graph";
import { edgeId } from "./flow-graph";

/** Sizes used before the canvas has measured a node (a plugin card is w-52; Start/End are pills). */
const DEFAULT_SIZE = { plugin: { width: 208, height: 64 }, terminal: { width: 88, height: 40 } };

const sizeOf = (n: FlowNode) => {
  const fallback = n.type === "plugin" ? DEFAULT_SIZE.plugin : DEFAULT_SIZE.terminal;
  return { width: n.measured?.width ?? fallback.width, height: n.measured?.height ?? fallback.height };
};

/**
 * Left-to-right layered layout (dagre): each node right of everything it runs after, so edges never run backwards.
 * Start keeps its place (the drawing does not jump); every other node gets a new top-left position.
 */
export function tidyLayout(nodes: FlowNode[], edges: FlowEdge[]): FlowNode[] {
  if (!nodes.length) return nodes;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 48, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, sizeOf(n));
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const topLeft = (n: FlowNode) => {
    const { x, y } = g.node(n.id);
    const { width, height } = sizeOf(n);
    return { x: x - width / 2, y: y - height / 2 };
  };
  const anchor = nodes.find((n) => n.type === "start") ?? nodes[0];
  const at = topLeft(anchor);
  const dx = anchor.position.x - at.x;
  const dy = anchor.position.y - at.y;
  return nodes.map((n) => {
    const p = topLeft(n);
    return { ...n, position: { x: Math.round(p.x + dx), y: Math.round(p.y + dy) } };
  });
}

/**
 * Where a new node joins the chain: after the selected node (unless that is End), else after the last node
 * before End (of several, the right-most), else after the right-most node that is not End.
 */
export function insertionAnchor(nodes: FlowNode[], edges: FlowEdge[]): FlowNode | undefined {
  const selected = nodes.find((n) => n.selected && n.type !== "end");
  if (selected) return selected;
  const end = nodes.find((n) => n.type === "end");
  const rightMost = (list: FlowNode[]) => list.reduce<FlowNode | undefined>((best, n) => (!best || n.position.x > best.position.x ? n : best), undefined);
  const beforeEnd = end ? nodes.filter((n) => edges.some((e) => e.source === n.id && e.target === end.id)) : [];
  return rightMost(beforeEnd) ?? rightMost(nodes.filter((n) => n.type !== "end"));
}

/**
 * The edges once `newId` is inserted after `anchorId`: the anchor's outgoing connections now leave from the new
 * node (anchor → new → what the anchor led to), so Start → … → End stays one chain. An anchor that led nowhere,
 * with End not yet connected, also gets the new node connected to End.
 */
export function insertEdges(nodes: FlowNode[], edges: FlowEdge[], newId: string, anchorId: string | undefined): FlowEdge[] {
  if (!anchorId) return edges;
  const outgoing = edges.filter((e) => e.source === anchorId);
  const kept = edges.filter((e) => e.source !== anchorId);
  const next = outgoing.map((e) => e.target);
  const end = nodes.find((n) => n.type === "end");
  if (!next.length && end && end.id !== anchorId && !edges.some((e) => e.target === end.id)) next.push(end.id);
  return [
    ...kept,
    { id: edgeId(anchorId, newId), source: anchorId, target: newId },
    ...next.map((target) => ({ id: edgeId(newId, target), source: newId, target })),
  ];
}
