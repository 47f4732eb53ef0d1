import { describe, expect, it } from "vitest";
import { emptyGraph, type Graph } from "./graph";
import { topologicalOrder } from "./order";
import { executePlan, planRun, type NodeOutcome } from "./run-plan";
import type { Outputs } from "./templates";

const at = { x: 0, y: 0 };
/** start → nodes … → end with the given edges (plugin node ids in declaration order). */
function graph(ids: string[], edges: [string, string][]): Graph {
  const g = emptyGraph();
  for (const id of ids) g.nodes.push({ id, type: "plugin", position: at, data: { code: "cus_test_1", version: "1.0.0", inputs: {} } });
  g.edges = edges.map(([source, target]) => ({ id: `${source}-${target}`, source, target }));
  return g;
}

/** Runs a plan where `fail` nodes fail; records what each node saw and the order of events. */
async function simulate(g: Graph, fail: string[] = [], onlyNode?: string, seed?: Outputs) {
  const events: string[] = [];
  const seen = new Map<string, string[]>();
  const result = await executePlan(planRun(g, onlyNode), {
    seed,
    async run(id, outputs): Promise<NodeOutcome> {
      seen.set(id, [...outputs.keys()].sort());
      events.push(`run ${id}`);
      return fail.includes(id) ? { status: "failed" } : { status: "succeeded", outputs: { from: id } };
    },
    async skip(id, failed) {
      events.push(`skip ${id} (${failed})`);
    },
  });
  return { events, seen, ...result };
}

describe("run ordering and failure propagation", () => {
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
    expect(events).toEqual(["run a", "run b", "run c", "run d", "run e"]);
    expect(Object.fromEntries(seen)).toEqual({ a: [], e: [], b: ["a"], c: ["a"], d: ["a", "b", "c"] });
  });

  it("a failed node skips everything downstream (naming it); other branches still run; the run fails", async () => {
    const g = graph(["a", "b", "c", "d", "e"], [["start", "a"], ["a", "b"], ["a", "c"], ["b", "d"], ["c", "d"], ["d", "end"], ["start", "e"], ["e", "end"]]);
    const { status, statuses, events } = await simulate(g, ["b"]);
    expect(status).toBe("failed");
    expect(events).toEqual(["run a", "run b", "run c", "skip d (b)", "run e"]);
    expect(Object.fromEntries(statuses)).toEqual({ a: "succeeded", e: "succeeded", b: "failed", c: "succeeded", d: "skipped" });
    const first = await simulate(g, ["a"]);
    expect(first.events).toEqual(["run a", "skip b (a)", "skip c (a)", "skip d (a)", "run e"]);
  });

  it("Test node runs one node with outputs borrowed from earlier runs of its upstream nodes", async () => {
    const g = graph(["a", "b", "x"], [["start", "a"], ["a", "b"], ["b", "end"], ["start", "x"], ["x", "end"]]);
    expect(planRun(g, "b")).toEqual({ order: ["b"], upstream: new Map([["b", new Set(["a"])]]) });
    const seed = new Map([["a", { echo: "old" }], ["x", { echo: "not upstream" }]]);
    const { events, seen } = await simulate(g, [], "b", seed);
    expect(events).toEqual(["run b"]);
    expect(seen.get("b")).toEqual(["a"]);
  });
});
