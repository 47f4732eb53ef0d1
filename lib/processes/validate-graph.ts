import type { PluginDescriptor } from "../plugins/contract";
import { isPluginNode, type Graph, type PluginNode } from "./graph";
import { validateInputs, type InputError, type InputErrorKey } from "./input-schema";
import { adjacency, ancestorsOf, descendantsOf, topologicalOrder } from "./order";
import { referencesIn, referenceText } from "./templates";

/**
 * What is wrong with a process graph. A problem either blocks saving (the graph is malformed: it could never
 * run, whatever the plugins) or only running (an unfinished draft, or plugins the active generation lacks).
 * Catalog keys: editor.problems.<code>.
 */
export type GraphProblemCode =
  | "duplicate_node"
  | "duplicate_edge"
  | "dangling_edge"
  | "self_loop"
  | "edge_into_start"
  | "edge_from_end"
  | "multiple_start"
  | "multiple_end"
  | "cycle"
  | "invalid_inputs"
  | "missing_start"
  | "missing_end"
  | "empty"
  | "disconnected"
  | "unknown_plugin"
  | "bad_reference";

export interface GraphProblem {
  code: GraphProblemCode;
  blocks: "save" | "run";
  nodeId?: string;
  edgeId?: string;
  /** cycle: the nodes on it, in edge order. */
  nodeIds?: string[];
  /** unknown_plugin: "code@version", and the versions the active generation has of that code. */
  plugin?: string;
  available?: string[];
  /** invalid_inputs: the errors by input key. */
  inputs?: Record<string, InputError>;
  /** bad_reference: the input holding it, the reference, and why it cannot resolve. */
  input?: string;
  ref?: string;
  reason?: "unknown_node" | "not_upstream" | "unknown_output";
}

/** The plugins a graph may use (the active generation's registry, or the editor's copy of it). */
export interface PluginLookup {
  get(code: string, version: string): Pick<PluginDescriptor, "inputs" | "outputs"> | undefined;
  /** The versions available for a code, newest first ([] if the code is unknown). */
  versions(code: string): string[];
}

/**
 * Input errors that stop even a draft from being saved: a typed secret (it would be stored readable by everyone who
 * opens the process), values over the size limits, wrong JSON types and keys the plugin does not define. Anything
 * else (an empty required field, a number not yet valid, a half-typed reference) is an unfinished draft: it saves,
 * and stops only a run.
 */
const SAVE_BLOCKING_INPUT_ERRORS: ReadonlySet<InputErrorKey> = new Set(["credential_required", "too_long", "invalid_type", "unknown_field"]);

export function validateGraph(graph: Graph, plugins?: PluginLookup): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const save = (p: Omit<GraphProblem, "blocks">) => problems.push({ ...p, blocks: "save" });
  const run = (p: Omit<GraphProblem, "blocks">) => problems.push({ ...p, blocks: "run" });

  const nodes = new Map<string, Graph["nodes"][number]>();
  for (const n of graph.nodes) {
    if (nodes.has(n.id)) save({ code: "duplicate_node", nodeId: n.id });
    else nodes.set(n.id, n);
  }
  const starts = graph.nodes.filter((n) => n.type === "start");
  const ends = graph.nodes.filter((n) => n.type === "end");
  if (starts.length > 1) save({ code: "multiple_start" });
  if (ends.length > 1) save({ code: "multiple_end" });

  const edgeIds = new Set<string>();
  const pairs = new Set<string>();
  for (const e of graph.edges) {
    const pair = `${e.source}\u0000${e.target}`;
    if (edgeIds.has(e.id) || pairs.has(pair)) save({ code: "duplicate_edge", edgeId: e.id });
    edgeIds.add(e.id);
    pairs.add(pair);
    const missing = [e.source, e.target].find((id) => !nodes.has(id));
    if (missing) save({ code: "dangling_edge", edgeId: e.id, nodeId: missing });
    else if (e.source === e.target) save({ code: "self_loop", edgeId: e.id, nodeId: e.source });
    else if (nodes.get(e.target)!.type === "start") save({ code: "edge_into_start", edgeId: e.id });
    else if (nodes.get(e.source)!.type === "end") save({ code: "edge_from_end", edgeId: e.id });
  }
  // Self-loops are reported above; a cycle through several nodes is found by the ordering.
  const sorted = topologicalOrder({ nodes: graph.nodes, edges: graph.edges.filter((e) => e.source !== e.target) });
  if ("cycle" in sorted) save({ code: "cycle", nodeIds: sorted.cycle });

  const pluginNodes = [...nodes.values()].filter(isPluginNode);
  for (const n of pluginNodes) {
    const descriptor = plugins?.get(n.data.code, n.data.version);
    if (!descriptor) continue;
    const checked = validateInputs(descriptor.inputs, n.data.inputs, "save");
    if (checked.ok) continue;
    const entries = Object.entries(checked.errors);
    const hard = entries.filter(([, e]) => SAVE_BLOCKING_INPUT_ERRORS.has(e.key));
    const draft = entries.filter(([, e]) => !SAVE_BLOCKING_INPUT_ERRORS.has(e.key));
    if (hard.length) save({ code: "invalid_inputs", nodeId: n.id, inputs: Object.fromEntries(hard) });
    if (draft.length) problems.push({ code: "invalid_inputs", blocks: "run", nodeId: n.id, inputs: Object.fromEntries(draft) });
  }

  // What follows only stops a run: the draft may be saved as it is.
  if (!starts.length) run({ code: "missing_start" });
  if (!ends.length) run({ code: "missing_end" });
  if (!pluginNodes.length) run({ code: "empty" });
  const adj = adjacency(graph);
  if (starts.length === 1 && ends.length === 1 && !("cycle" in sorted)) {
    const fromStart = descendantsOf(adj, starts[0].id);
    const toEnd = ancestorsOf(adj, ends[0].id);
    for (const n of pluginNodes) if (!fromStart.has(n.id) || !toEnd.has(n.id)) run({ code: "disconnected", nodeId: n.id });
  }
  if (plugins) {
    for (const n of pluginNodes) {
      if (plugins.get(n.data.code, n.data.version)) continue;
      run({ code: "unknown_plugin", nodeId: n.id, plugin: `${n.data.code}@${n.data.version}`, available: plugins.versions(n.data.code) });
    }
  }
  for (const n of pluginNodes) problems.push(...referenceProblems(n, nodes, adj, plugins));
  return problems;
}

function referenceProblems(
  node: PluginNode,
  nodes: Map<string, Graph["nodes"][number]>,
  adj: ReturnType<typeof adjacency>,
  plugins: PluginLookup | undefined,
): GraphProblem[] {
  const out: GraphProblem[] = [];
  let upstream: Set<string> | undefined;
  for (const [input, value] of Object.entries(node.data.inputs)) {
    for (const ref of referencesIn(value)) {
      const target = nodes.get(ref.nodeId);
      upstream ??= ancestorsOf(adj, node.id);
      const reason =
        !target || !isPluginNode(target)
          ? "unknown_node"
          : !upstream.has(ref.nodeId) || ref.nodeId === node.id
            ? "not_upstream"
            : (() => {
                const d = plugins?.get(target.data.code, target.data.version);
                return d && !d.outputs.some((o) => o.key === ref.key) ? "unknown_output" : null;
              })();
      if (reason) out.push({ code: "bad_reference", blocks: "run", nodeId: node.id, input, ref: referenceText(ref.nodeId, ref.key), reason });
    }
  }
  return out;
}

/** Problems that stop saving. */
export const saveBlockers = (problems: GraphProblem[]) => problems.filter((p) => p.blocks === "save");

/** "code@version" of every plugin a graph uses that the lookup does not have, each once. */
export function missingPlugins(problems: GraphProblem[]): string[] {
  return [...new Set(problems.filter((p) => p.code === "unknown_plugin").map((p) => p.plugin!))];
}
