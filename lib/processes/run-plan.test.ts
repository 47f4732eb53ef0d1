import { describe, expect, it } from "vitest";
import { emptyGraph, type Graph } from "./graph";
import { topologicalOrder } from "./order";
import { downstreamOf, firstNodes, planRun } from "./run-plan";
import type { Outputs } from "./templates";

const at = { x: 0, y: 0 };
/** start → nodes … → end with the given edges (plugin node ids in declaration order). */
function graph(ids: string[], edges: [string, string][]): Graph {
  const g = emptyGraph();
  for (const id of ids) g.nodes.push({ id, type: "plugin", position: at, data: { code: "cus_test_1", version: "1.0.0", inputs: {} } });
  g.edges = edges.map(([source, target]) => ({ id: `${source}-${target}`, source, target }));
  return g;
}

/**
 * Runs a plan the way the job queue does, one job at a time in queue order: the first nodes are enqueued, a success
 * enqueues the nodes it made ready, a failure skips what is downstream. `fail` nodes fail. Records what each node
 * saw and the order of events.
 */
async function simulate(g: Graph, fail: string[] = [], onlyNode?: string, seed?: Outputs) {
  const plan = planRun(g, onlyNode);
  const events: string[] = [];
  const seen = new Map<string, string[]>();
  const statuses = new Map<string, "succeeded" | "failed" | "skipped">();
  const outputs = new Map(seed ?? []);
  const inRun = new Set(plan.order);
  const queue = firstNodes(plan);
  while (queue.length) {
    const id = queue.shift()!;
    const upstream = plan.upstream.get(id)!;
    seen.set(id, [...outputs.keys()].filter((k) => upstream.has(k)).sort());
    events.push(`run ${id}`);
    if (fail.includes(id)) {
      statuses.set(id, "failed");
      for (const d of downstreamOf((n) => plan.next.get(n) ?? [], id)) {
        if (statuses.has(d)) continue;
        statuses.set(d, "skipped");
        events.push(`skip ${d} (${id})`);
      }
      continue;
    }
    statuses.set(id, "succeeded");
    outputs.set(id, { from: id });
    const upstreamInRun = (n: string) => [...plan.upstream.get(n)!].filter((u) => inRun.has(u));
    // What advance-run.ts claims in SQL: each next node whose upstream nodes in the run have all succeeded.
    const ready = plan.next.get(id)!.filter((n) => upstreamInRun(n).every((u) => statuses.get(u) === "succeeded"));
    queue.push(...ready.filter((n) => !statuses.has(n) && !queue.includes(n)));
  }
  const status = [...statuses.values()].every((s) => s === "succeeded") && statuses.size === plan.order.length ? "succeeded" : "failed";
  return { events, seen, statuses, status };
}

describe("run ordering and failure propagation", () => {
  it("each node knows the nearest plugin nodes after it, through Start and End", () => {
    const g = graph(["a", "b", "c"], [["start", "a"], ["a", "end"], ["end", "b"], ["a", "c"], ["c", "b"]]);
    const plan = planRun(g);
    expect(Object.fromEntries(plan.next)).toEqual({ a: expect.arrayContaining(["b", "c"]), c: ["b"], b: [] });
    expect(plan.next.get("a")).toHaveLength(2);
    expect(firstNodes(plan)).toEqual(["a"]);
    expect(downstreamOf((n) => plan.next.get(n) ?? [], "a").sort()).toEqual(["b", "c"]);
  });

  it("runs in topological order, ties broken by the graph's node order", () => {
    // start → c → a → end and start → b → end: of the nodes ready to run, the one declared first goes first.
    const g = graph(["c", "a", "b"], [["start", "c"], ["c", "a"], ["a", "end"], ["start", "b"], ["b", "end"]]);
    expect(planRun(g).order).toEqual(["c", "a", "b"]);
    expect(topologicalOrder(g)).toEqual({ order: ["start", "c", "a", "b", "end"] });
    expect(planRun(graph(["b", "a"], [["start", "a"], ["start", "b"], ["a", "end"], ["b", "end"]])).order).toEqual(["b", "a"]);
    expect(topologicalOrder(graph(["a", "b"], [["a", "b"], ["b", "a"]]))).toEqual({ cycle: ["a", "b"] });
    expect(() => planRun(graph(["a", "b"], [["a", "b"], ["b", "a"]]))).toThrow(/cycle: a → b/);
  });

  it("each node sees the outputs of its upstream nodes only", async () => {
    // Diamond a → (b, c) → d, plus an independent e.
    const g = graph(["a", "b", "c", "d", "e"], [["start", "a"], ["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["d", "end"], ["start", "e"], ["e", "end"]]);
    const { status, seen, events } = await simulate(g);
    expect(status).toBe("succeeded");
    expect(events).toEqual(["run a", "run e", "run b", "run c", "run d"]);
    expect(Object.fromEntries(seen)).toEqual({ a: [], e: [], b: ["a"], c: ["a"], d: ["a", "b", "c"] });
  });

  it("a failed node skips everything downstream (naming it); other branches still run; the run fails", async () => {
    const g = graph(["a", "b", "c", "d", "e"], [["start", "a"], ["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["d", "end"], ["start", "e"], ["e", "end"]]);
    const { status, statuses, events } = await simulate(g, ["b"]);
    expect(status).toBe("failed");
    expect(events).toEqual(["run a", "run e", "run b", "skip d (b)", "run c"]);
    expect(Object.fromEntries(statuses)).toEqual({ a: "succeeded", e: "succeeded", b: "failed", c: "succeeded", d: "skipped" });
    const first = await simulate(g, ["a"]);
    expect(first.events.filter((e) => e.startsWith("skip")).sort()).toEqual(["skip b (a)", "skip c (a)", "skip d (a)"]);
    expect(first.events).toContain("run e");
    expect(Object.fromEntries(first.statuses)).toMatchObject({ a: "failed", b: "skipped", c: "skipped", d: "skipped", e: "succeeded" });
  });

  it("Test node runs one node with outputs borrowed from earlier runs of its upstream nodes", async () => {
    const g = graph(["a", "b", "x"], [["start", "a"], ["a", "b"], ["b", "end"], ["start", "x"], ["x", "end"]]);
    expect(planRun(g, "b")).toEqual({ order: ["b"], upstream: new Map([["b", new Set(["a"])]]), next: new Map([["b", []]]) });
    const seed = new Map([["a", { echo: "old" }], ["x", { echo: "not upstream" }]]);
    const { events, seen } = await simulate(g, [], "b", seed);
    expect(events).toEqual(["run b"]);
    expect(seen.get("b")).toEqual(["a"]);
  });
});
