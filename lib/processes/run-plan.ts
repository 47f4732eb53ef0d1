import { isPluginNode, type Graph } from "./graph";
import { adjacency, ancestorsOf, topologicalOrder } from "./order";
import type { Outputs } from "./templates";

/**
 * The order a run executes plugin nodes in, and what happens when one fails: nodes downstream of a failed node
 * are skipped (naming the node that failed); nodes on other branches still run; the run fails.
 */

export interface RunPlan {
  /** Plugin node ids in the order they run (topological; ties in graph order). */
  order: string[];
  /** Per node: the plugin nodes upstream of it, the only ones whose outputs it may reference. */
  upstream: Map<string, Set<string>>;
}

/** The plan for a whole run, or for one node ("Test node"). The graph must be free of cycles. */
export function planRun(graph: Graph, onlyNode?: string): RunPlan {
  const sorted = topologicalOrder(graph);
  if ("cycle" in sorted) throw new Error(`the graph has a cycle: ${sorted.cycle.join(" → ")}`);
  const plugins = new Set(graph.nodes.filter(isPluginNode).map((n) => n.id));
  const adj = adjacency(graph);
  const order = sorted.order.filter((id) => plugins.has(id) && (onlyNode === undefined || id === onlyNode));
  const upstream = new Map(order.map((id) => [id, new Set([...ancestorsOf(adj, id)].filter((a) => plugins.has(a)))]));
  return { order, upstream };
}

export type NodeOutcome = { status: "succeeded"; outputs: Record<string, unknown> | null } | { status: "failed" };
export type NodeStatus = "succeeded" | "failed" | "skipped";

export interface PlanHooks {
  /** Runs one node with the outputs of the nodes upstream of it (succeeded ones only). Must not throw. */
  run(nodeId: string, outputs: Outputs): Promise<NodeOutcome>;
  /** Records that a node was skipped because `failedNode` (upstream of it) failed. */
  skip(nodeId: string, failedNode: string): Promise<void>;
  /** Outputs known before the run (a "Test node" run borrows them from earlier runs). */
  seed?: Outputs;
}

/** Runs the plan's nodes one after another. */
export async function executePlan(plan: RunPlan, hooks: PlanHooks): Promise<{ status: "succeeded" | "failed"; statuses: Map<string, NodeStatus> }> {
  const statuses = new Map<string, NodeStatus>();
  const outputs = new Map(hooks.seed ?? []);
  /** For a failed or skipped node: the failed node at the root of it. */
  const cause = new Map<string, string>();
  for (const id of plan.order) {
    const upstream = plan.upstream.get(id) ?? new Set<string>();
    const blocked = [...upstream].find((u) => cause.has(u));
    if (blocked) {
      cause.set(id, cause.get(blocked)!);
      statuses.set(id, "skipped");
      await hooks.skip(id, cause.get(blocked)!);
      continue;
    }
    const visible = new Map([...outputs].filter(([k]) => upstream.has(k) && !cause.has(k)));
    const outcome = await hooks.run(id, visible);
    statuses.set(id, outcome.status);
    if (outcome.status === "succeeded") outputs.set(id, outcome.outputs ?? {});
    else cause.set(id, id);
  }
  const ok = [...statuses.values()].every((s) => s === "succeeded");
  return { status: ok ? "succeeded" : "failed", statuses };
}
