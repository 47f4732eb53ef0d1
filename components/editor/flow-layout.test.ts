import { describe, expect, it } from "vitest";
import type { FlowEdge, FlowNode } from "./flow-graph";
import { insertEdges, insertionAnchor, tidyLayout } from "./flow-layout";

const plugin = (id: string, x = 0, selected = false): FlowNode => ({ id, type: "plugin", position: { x, y: 0 }, data: { code: "cus_test_1", version: "1.0.0", inputs: {} }, selected });
const start: FlowNode = { id: "start", type: "start", position: { x: 0, y: 100 }, data: {} };
const end: FlowNode = { id: "end", type: "end", position: { x: 400, y: 100 }, data: {} };
const e = (source: string, target: string): FlowEdge => ({ id: `e-${source}-${target}`, source, target });
const pairs = (edges: FlowEdge[]) => edges.map((x) => `${x.source}>${x.target}`).sort();

describe("where a new node goes", () => {
  it("the first node of an empty process goes between Start and End", () => {
    const nodes = [start, end];
    const anchor = insertionAnchor(nodes, []);
    expect(anchor?.id).toBe("start");
    expect(pairs(insertEdges(nodes, [], "n1", anchor?.id))).toEqual(["n1>end", "start>n1"]);
  });

  it("without a selection it goes after the last node before End, which it now leads to", () => {
    const nodes = [start, plugin("a", 100), plugin("b", 200), end];
    const edges = [e("start", "a"), e("a", "b"), e("b", "end")];
    const anchor = insertionAnchor(nodes, edges);
    expect(anchor?.id).toBe("b");
    expect(pairs(insertEdges(nodes, edges, "n", anchor?.id))).toEqual(["a>b", "b>n", "n>end", "start>a"]);
  });

  it("after the selected node, taking over its outgoing connections", () => {
    const nodes = [start, plugin("a", 100, true), plugin("b", 200), end];
    const edges = [e("start", "a"), e("a", "b"), e("b", "end")];
    const anchor = insertionAnchor(nodes, edges);
    expect(anchor?.id).toBe("a");
    expect(pairs(insertEdges(nodes, edges, "n", "a"))).toEqual(["a>n", "b>end", "n>b", "start>a"]);
  });

  it("a selected End is not an anchor; a node that leads nowhere while End is connected gets no edge to End", () => {
    const nodes = [start, plugin("a", 100), plugin("loose", 300), { ...end, selected: true }];
    const edges = [e("start", "a"), e("a", "end")];
    expect(insertionAnchor(nodes, edges)?.id).toBe("a");
    expect(pairs(insertEdges(nodes, edges, "n", "loose"))).toEqual(["a>end", "loose>n", "start>a"]);
  });
});

describe("tidy layout", () => {
  it("puts every node right of the nodes it runs after and keeps Start in place", () => {
    // End drawn left of the plugin nodes, as the old placement left it.
    const nodes = [start, { ...end, position: { x: -300, y: 0 } }, plugin("a", 900), plugin("b", 500)];
    const edges = [e("start", "a"), e("a", "b"), e("b", "end")];
    const out = new Map(tidyLayout(nodes, edges).map((n) => [n.id, n.position]));
    expect(out.get("start")).toEqual(start.position);
    for (const x of edges) expect(out.get(x.target)!.x).toBeGreaterThan(out.get(x.source)!.x);
  });

  it("parallel branches do not overlap", () => {
    const nodes = [start, plugin("a"), plugin("b"), end];
    const edges = [e("start", "a"), e("start", "b"), e("a", "end"), e("b", "end")];
    const out = new Map(tidyLayout(nodes, edges).map((n) => [n.id, n.position]));
    expect(out.get("a")!.x).toBe(out.get("b")!.x);
    expect(Math.abs(out.get("a")!.y - out.get("b")!.y)).toBeGreaterThanOrEqual(64);
  });
});
