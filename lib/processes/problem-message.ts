import type { GraphProblem } from "./validate-graph";

/**
 * The catalog key (under the "editor" namespace) and values of a graph problem's message. `nameOf` turns a node
 * id into what the user sees (the editor passes the node's plugin name; the server the id), `inputName` an input
 * key of a node (the editor passes the field's label).
 */
export function problemMessage(
  p: GraphProblem,
  nameOf: (nodeId: string) => string = (id) => id,
  inputName: (nodeId: string, key: string) => string = (_id, key) => key,
): { key: string; values: Record<string, string> } {
  const values: Record<string, string> = {
    node: p.nodeId ? nameOf(p.nodeId) : "",
    nodes: (p.nodeIds ?? []).map(nameOf).join(" → "),
    plugin: p.plugin ?? "",
    available: (p.available ?? []).join(", "),
    input: p.input && p.nodeId ? inputName(p.nodeId, p.input) : (p.input ?? ""),
    ref: p.ref ?? "",
    inputs: Object.keys(p.inputs ?? {})
      .map((key) => (p.nodeId ? inputName(p.nodeId, key) : key))
      .join(", "),
  };
  // Only empty required fields: said so, rather than "invalid inputs" (nothing typed is wrong).
  const errors = Object.values(p.inputs ?? {});
  if (p.code === "invalid_inputs" && errors.length && errors.every((e) => e.key === "required")) return { key: "problems.required_inputs", values };
  if (p.code === "unknown_plugin") return { key: p.available?.length ? "problems.unknown_version" : "problems.unknown_plugin", values };
  if (p.code === "bad_reference") return { key: `problems.bad_reference_${p.reason}`, values };
  return { key: `problems.${p.code}`, values };
}
