import { beforeAll, describe, expect, it } from "vitest";
import type { PluginDescriptor } from "../plugins/contract";
import { examplePlugins, lookupOf } from "./__fixtures__/plugins";
import { emptyGraph, newNodeId, pluginRefs, ZGraph, type Graph, type GraphNode } from "./graph";
import { missingPlugins, saveBlockers, validateGraph, type PluginLookup } from "./validate-graph";

let plugins: PluginLookup;
beforeAll(async () => {
  const list: PluginDescriptor[] = await examplePlugins();
  plugins = lookupOf(list);
});

const at = { x: 0, y: 0 };
const plugin = (id: string, code = "cus_test_1", inputs: Record<string, unknown> = { message: "hi" }, version = "1.0.0"): GraphNode => ({
  id,
  type: "plugin",
  position: at,
  data: { code, version, inputs },
});
const edge = (source: string, target: string) => ({ id: `${source}-${target}`, source, target });

/** start → a → b → end, a valid process. */
function chain(): Graph {
  const g = emptyGraph();
  g.nodes.push(plugin("a"), plugin("b", "cus_sum", { a: 1, b: "{{nodes.a.outputs.length}}" }));
  g.edges.push(edge("start", "a"), edge("a", "b"), edge("b", "end"));
  return g;
}

const codes = (g: Graph) => validateGraph(g, plugins).map((p) => `${p.blocks}:${p.code}`);

describe("graph validation", () => {
  it("a connected process with known plugins and valid inputs has no problem", () => {
    expect(validateGraph(chain(), plugins)).toEqual([]);
  });

  it("the schema keeps only what a process needs", () => {
    const parsed = ZGraph.parse({ nodes: [{ ...plugin("a"), selected: true, measured: { width: 1 } }], edges: [{ ...edge("a", "b"), animated: true }] });
    expect(parsed).toEqual({ nodes: [plugin("a")], edges: [edge("a", "b")] });
    expect(ZGraph.safeParse({ nodes: [{ ...plugin("a"), id: "no spaces" }], edges: [] }).success).toBe(false);
    expect(ZGraph.safeParse({ nodes: [{ id: "x", type: "weird", position: at }], edges: [] }).success).toBe(false);
  });

  it("finds a cycle and names its nodes in order", () => {
    const g = chain();
    g.nodes.push(plugin("c"));
    g.edges.push(edge("b", "c"), edge("c", "a"));
    const problems = validateGraph(g, plugins);
    expect(problems.find((p) => p.code === "cycle")).toEqual({ code: "cycle", blocks: "save", nodeIds: ["a", "b", "c"] });
    const loop = chain();
    loop.edges.push(edge("a", "a"));
    expect(codes(loop)).toContain("save:self_loop");
  });

  it("refuses dangling and duplicate edges and edges into Start or out of End", () => {
    const g = chain();
    g.edges.push(edge("a", "ghost"), { ...edge("a", "b"), id: "again" }, edge("b", "start"), edge("end", "a"));
    const problems = validateGraph(g, plugins);
    expect(problems).toEqual(
      expect.arrayContaining([
        { code: "dangling_edge", blocks: "save", edgeId: "a-ghost", nodeId: "ghost" },
        { code: "duplicate_edge", blocks: "save", edgeId: "again" },
        { code: "edge_into_start", blocks: "save", edgeId: "b-start" },
        { code: "edge_from_end", blocks: "save", edgeId: "end-a" },
      ]),
    );
  });

  it("start/end rules: exactly one each; missing ones and duplicate node ids", () => {
    const g = chain();
    g.nodes.push({ id: "start2", type: "start", position: at }, { id: "end2", type: "end", position: at }, plugin("a"));
    expect(codes(g)).toEqual(expect.arrayContaining(["save:multiple_start", "save:multiple_end", "save:duplicate_node"]));
    const none: Graph = { nodes: [plugin("a")], edges: [] };
    expect(codes(none)).toEqual(["run:missing_start", "run:missing_end"]);
    expect(codes(emptyGraph())).toEqual(["run:empty"]);
  });

  it("a plugin node off the Start→End path can be saved but not run", () => {
    const g = chain();
    g.nodes.push(plugin("lonely"));
    g.edges.push(edge("start", "lonely"));
    expect(validateGraph(g, plugins)).toEqual([{ code: "disconnected", blocks: "run", nodeId: "lonely" }]);
  });

  it("unknown plugins (code or version not in the generation) block running only, with what is available", () => {
    const g = chain();
    g.nodes.push(plugin("old", "cus_test_1", { message: "x" }, "0.9.0"), plugin("gone", "cus_gone", {}));
    g.edges.push(edge("a", "old"), edge("old", "end"), edge("a", "gone"), edge("gone", "end"));
    const problems = validateGraph(g, plugins);
    expect(problems).toEqual([
      { code: "unknown_plugin", blocks: "run", nodeId: "old", plugin: "cus_test_1@0.9.0", available: ["1.0.0"] },
      { code: "unknown_plugin", blocks: "run", nodeId: "gone", plugin: "cus_gone@1.0.0", available: [] },
    ]);
    expect(saveBlockers(problems)).toEqual([]);
    expect(missingPlugins(problems)).toEqual(["cus_test_1@0.9.0", "cus_gone@1.0.0"]);
  });

  it("inputs are checked against the pinned version's definitions: an unfinished draft saves but does not run", () => {
    const g = chain();
    (g.nodes[2] as Extract<GraphNode, { type: "plugin" }>).data.inputs = { message: "", repeat: "many" };
    const problems = validateGraph(g, plugins);
    expect(problems).toEqual([
      { code: "invalid_inputs", blocks: "run", nodeId: "a", inputs: { message: { key: "required" }, repeat: { key: "number_invalid" } } },
    ]);
    expect(saveBlockers(problems)).toEqual([]);
  });

  it("a typed secret, an over-long value or an unknown key still blocks saving (beside the draft's own problems)", () => {
    const g = chain();
    (g.nodes[2] as Extract<GraphNode, { type: "plugin" }>).data.inputs = { message: "", apiKey: "typed-secret", nope: 1 };
    const problems = validateGraph(g, plugins);
    expect(saveBlockers(problems)).toEqual([
      { code: "invalid_inputs", blocks: "save", nodeId: "a", inputs: { nope: { key: "unknown_field" }, apiKey: { key: "credential_required" } } },
    ]);
    expect(problems.filter((p) => p.blocks === "run")).toEqual([{ code: "invalid_inputs", blocks: "run", nodeId: "a", inputs: { message: { key: "required" } } }]);
  });

  it("references must name an upstream plugin node and one of its outputs", () => {
    const g = chain();
    g.nodes.push(plugin("side", "cus_test_1", { message: "{{nodes.b.outputs.sum}} {{nodes.a.outputs.nope}} {{nodes.zz.outputs.x}} {{nodes.side.outputs.echo}}" }));
    g.edges.push(edge("a", "side"), edge("side", "end"));
    expect(validateGraph(g, plugins)).toEqual([
      { code: "bad_reference", blocks: "run", nodeId: "side", input: "message", ref: "{{nodes.b.outputs.sum}}", reason: "not_upstream" },
      { code: "bad_reference", blocks: "run", nodeId: "side", input: "message", ref: "{{nodes.a.outputs.nope}}", reason: "unknown_output" },
      { code: "bad_reference", blocks: "run", nodeId: "side", input: "message", ref: "{{nodes.zz.outputs.x}}", reason: "unknown_node" },
      { code: "bad_reference", blocks: "run", nodeId: "side", input: "message", ref: "{{nodes.side.outputs.echo}}", reason: "not_upstream" },
    ]);
  });

  it("lists the plugin versions a graph uses, once each; new node ids are short and fresh", () => {
    const g = chain();
    g.nodes.push(plugin("c"));
    expect(pluginRefs(g)).toEqual([{ code: "cus_test_1", version: "1.0.0" }, { code: "cus_sum", version: "1.0.0" }]);
    const seq = [0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0];
    let i = 0;
    expect(newNodeId(["aaaaaaaa"], () => seq[i++])).toBe("saaaaaaa");
    expect(newNodeId()).toMatch(/^[a-z2-9]{8}$/);
  });
});
