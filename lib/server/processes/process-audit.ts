import "server-only";
import { isPluginNode, type Graph } from "../../processes/graph";
import { diffViews } from "../audit/record-audit";

/**
 * A process as the audit log compares it: name, description, each plugin node as "code@version" with its inputs,
 * and the edges as "a → b". Secret inputs hold credential references (ids), never values, so none can reach it.
 */
function auditView(p: { name: string; description: string; graph: Graph }) {
  return {
    name: p.name,
    description: p.description,
    nodes: Object.fromEntries(p.graph.nodes.filter(isPluginNode).map((n) => [n.id, { plugin: `${n.data.code}@${n.data.version}`, inputs: n.data.inputs, retries: n.data.retries ?? 0 }])),
    edges: p.graph.edges.map((e) => `${e.source} → ${e.target}`).sort(),
  };
}

/**
 * What an edit changed, path by path (`nodes.ab12cd34.inputs.message: from → to`); a node added or removed shows
 * as its paths appearing or going. Node positions are left out: moving a node is not a change worth a line.
 */
export function processDiff(before: { name: string; description: string; graph: Graph }, after: { name: string; description: string; graph: Graph }) {
  return diffViews(auditView(before), auditView(after));
}
