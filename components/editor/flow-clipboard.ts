import { newNodeId } from "@/lib/processes/graph";
import { edgeId, isPluginFlowNode, type FlowEdge, type FlowNode } from "./flow-graph";

/** What Ctrl+C keeps: the selected plugin nodes and the connections among them. */
export interface FlowClipboard {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** The selected plugin nodes (Start and End are never copied) and the edges between two of them. */
export function copySelection(nodes: FlowNode[], edges: FlowEdge[]): FlowClipboard | null {
  const picked = nodes.filter((n) => n.selected && isPluginFlowNode(n));
  if (!picked.length) return null;
  const ids = new Set(picked.map((n) => n.id));
  return { nodes: structuredClone(picked), edges: edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ id: e.id, source: e.source, target: e.target })) };
}

// A reference to a node's outputs, as written in an input (see lib/processes/templates.ts).
const REF_NODE = /(\{\{\s*nodes\.)([A-Za-z0-9_-]{1,32})(\.outputs\.)/g;

const remapReferences = (value: unknown, ids: Map<string, string>): unknown => {
  if (typeof value === "string") return value.replace(REF_NODE, (all, head: string, id: string, tail: string) => (ids.has(id) ? `${head}${ids.get(id)}${tail}` : all));
  if (Array.isArray(value)) return value.map((v) => remapReferences(v, ids));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remapReferences(v, ids)]));
  return value;
};

/**
 * The clipboard's nodes as new nodes: new ids (none of `taken`), moved by `offset`, inputs kept — a reference to
 * another copied node points at its copy — and the edges among them; the pasted nodes are the new selection.
 */
export function pasteClipboard(clip: FlowClipboard, taken: Iterable<string>, offset: { x: number; y: number }, random?: () => number): FlowClipboard {
  const used = new Set(taken);
  const ids = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = newNodeId(used, random);
    used.add(id);
    ids.set(n.id, id);
  }
  const nodes = clip.nodes.map((n): FlowNode => {
    const position = { x: n.position.x + offset.x, y: n.position.y + offset.y };
    const base = { id: ids.get(n.id)!, position, selected: true };
    return isPluginFlowNode(n)
      ? { ...base, type: "plugin", data: { ...structuredClone(n.data), inputs: remapReferences(n.data.inputs, ids) as Record<string, unknown> } }
      : { ...base, type: n.type, data: {} };
  });
  const edges = clip.edges.map((e) => {
    const source = ids.get(e.source)!;
    const target = ids.get(e.target)!;
    return { id: edgeId(source, target), source, target };
  });
  return { nodes, edges };
}
