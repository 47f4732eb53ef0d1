import "server-only";
import { problemMessage } from "../../processes/problem-message";
import type { GraphProblem } from "../../processes/validate-graph";
import { ExpectedError } from "../errors";

/**
 * A 422 for graph problems. Invalid input values become field errors at `nodes.<nodeId>.<input>` (the editor
 * shows them on the node's form); otherwise the first problem is the message.
 */
export function graphError(problems: GraphProblem[]): ExpectedError {
  const invalid = problems.filter((p) => p.code === "invalid_inputs");
  if (invalid.length) {
    const fields: Record<string, [string, Record<string, string | number>?]> = {};
    for (const p of invalid) {
      for (const [key, e] of Object.entries(p.inputs!)) fields[`nodes.${p.nodeId}.${key}`] = [`editor.inputErrors.${e.key}`, e.values ?? {}];
    }
    return new ExpectedError(422, "editor.errors.invalidInputs", { nodes: invalid.map((p) => p.nodeId).join(", ") }, fields);
  }
  const { key, values } = problemMessage(problems[0]);
  return new ExpectedError(422, `editor.${key}`, values);
}
