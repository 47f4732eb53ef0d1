/**
 * Graph order: predecessors, ancestors and a stable topological order. Only edges between existing nodes count
 * (dangling edges are reported by validateGraph, not followed here).
 */

export interface Adjacency {
  ids: string[];
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
}

/** Nodes and edges as far as order goes (a stored graph, or the editor's canvas state). */
type Shape = { nodes: readonly { id: string }[]; edges: readonly { source: string; target: string }[] };

export function adjacency(graph: Shape): Adjacency {
  const ids = [...new Set(graph.nodes.map((n) => n.id))];
  const parents = new Map(ids.map((id) => [id, [] as string[]]));
  const children = new Map(ids.map((id) => [id, [] as string[]]));
  for (const e of graph.edges) {
    if (!parents.has(e.target) || !children.has(e.source)) continue;
    if (!parents.get(e.target)!.includes(e.source)) parents.get(e.target)!.push(e.source);
    if (!children.get(e.source)!.includes(e.target)) children.get(e.source)!.push(e.target);
  }
  return { ids, parents, children };
}

/**
 * Kahn's algorithm; ties are broken by the nodes' order in the graph, so the same graph always runs in the same
 * order. Returns the order, or one cycle (its node ids, in edge order) when there is one.
 */
export function topologicalOrder(graph: Shape): { order: string[] } | { cycle: string[] } {
  const { ids, parents, children } = adjacency(graph);
  const index = new Map(ids.map((id, i) => [id, i]));
  const indegree = new Map(ids.map((id) => [id, parents.get(id)!.length]));
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const c of children.get(id)!) {
      indegree.set(c, indegree.get(c)! - 1);
      if (indegree.get(c) === 0) ready.push(c);
    }
  }
  if (order.length === ids.length) return { order };
  return { cycle: findCycle(ids.filter((id) => indegree.get(id)! > 0), children) };
}

/** One cycle among `candidates` (nodes left with incoming edges after Kahn's algorithm), by depth-first search. */
function findCycle(candidates: string[], children: Map<string, string[]>): string[] {
  const inSet = new Set(candidates);
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, "open");
    stack.push(id);
    for (const c of children.get(id)!) {
      if (!inSet.has(c)) continue;
      if (state.get(c) === "open") return stack.slice(stack.indexOf(c));
      if (!state.has(c)) {
        const found = visit(c);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, "done");
    return null;
  };
  for (const id of candidates) {
    if (state.has(id)) continue;
    const found = visit(id);
    if (found) return found;
  }
  return candidates;
}

/** Every node from which `id` can be reached (not `id` itself, unless on a cycle). */
export const ancestorsOf = (adj: Adjacency, id: string) => reach(adj.parents, id);

/** Every node reachable from `id`. */
export const descendantsOf = (adj: Adjacency, id: string) => reach(adj.children, id);

function reach(next: Map<string, string[]>, id: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(next.get(id) ?? [])];
  while (todo.length) {
    const n = todo.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    todo.push(...(next.get(n) ?? []));
  }
  return seen;
}
