import { isPluginNode, type Graph } from "./graph";
import { adjacency, ancestorsOf, topologicalOrder } from "./order";

/**
 * How a run's plugin nodes depend on each other. A run executes as jobs on a queue (lib/server/processes): the
 * nodes without upstream nodes are enqueued first; when a node succeeds, each node after it (`next`) whose
 * upstream nodes have all succeeded is enqueued (advance-run.ts, in one statement); when one fails, every node
 * downstream of it is skipped (naming it) while nodes on other branches still run, and the run fails.
 */

export interface RunPlan {
  /** Plugin node ids in a topological order (ties in graph order): how run records list them. */
  order: string[];
  /** Per node: the plugin nodes upstream of it, the only ones whose outputs it may reference. */
  upstream: Map<string, Set<string>>;
  /** Per node: the nearest plugin nodes after it in the run (through Start/End), the ones to consider when it succeeds. */
  next: Map<string, string[]>;
}

/** The plan for a whole run, or for one node ("Test node"). The graph must be free of cycles. */
export function planRun(graph: Graph, onlyNode?: string): RunPlan {
  const sorted = topologicalOrder(graph);
  if ("cycle" in sorted) throw new Error(`the graph has a cycle: ${sorted.cycle.join(" → ")}`);
  const plugins = new Set(graph.nodes.filter(isPluginNode).map((n) => n.id));
  const adj = adjacency(graph);
  const order = sorted.order.filter((id) => plugins.has(id) && (onlyNode === undefined || id === onlyNode));
  const inRun = new Set(order);
  const upstream = new Map(order.map((id) => [id, new Set([...ancestorsOf(adj, id)].filter((a) => plugins.has(a)))]));
  const rank = new Map(sorted.order.map((id, i) => [id, i]));
  const next = new Map(order.map((id) => [id, nearestPlugins(adj.children, id, plugins).filter((n) => inRun.has(n)).sort((a, b) => rank.get(a)! - rank.get(b)!)]));
  return { order, upstream, next };
}

function nearestPlugins(children: Map<string, string[]>, from: string, plugins: Set<string>): string[] {
  const found = new Set<string>();
  const seen = new Set<string>([from]);
  const stack = [...(children.get(from) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (plugins.has(id)) found.add(id);
    else stack.push(...(children.get(id) ?? []));
  }
  return [...found];
}

/** The nodes a run starts with: no upstream node in the run. */
export function firstNodes(plan: RunPlan): string[] {
  const inRun = new Set(plan.order);
  return plan.order.filter((id) => ![...plan.upstream.get(id)!].some((u) => inRun.has(u)));
}

/** Every node downstream of `nodeId` (what its failure skips). */
export function downstreamOf(next: (id: string) => readonly string[], nodeId: string): string[] {
  const out = new Set<string>();
  const stack = [...next(nodeId)];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...next(id));
  }
  return [...out];
}
