import { translator } from "@/lib/i18n";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { InputErrorKey } from "./input-schema";
import { problemMessage } from "./problem-message";
import type { GraphProblem, GraphProblemCode } from "./validate-graph";

const catalogs = ["en", "zh-CN"].map((l) => JSON.parse(readFileSync(`messages/${l}.json`, "utf8")).editor as Record<string, Record<string, string>>);

const CODES: Record<GraphProblemCode, true> = {
  duplicate_node: true, duplicate_edge: true, dangling_edge: true, self_loop: true, edge_into_start: true, edge_from_end: true,
  multiple_start: true, multiple_end: true, cycle: true, invalid_inputs: true, missing_start: true, missing_end: true, empty: true,
  disconnected: true, unknown_plugin: true, bad_reference: true,
};
const INPUT_ERRORS: Record<InputErrorKey, true> = {
  required: true, too_long: true, invalid_type: true, number_invalid: true, boolean_invalid: true, invalid_choice: true,
  json_invalid: true, reference_invalid: true, reference_unavailable: true, reference_no_output: true, unknown_field: true, credential_required: true,
};

describe("problem messages", () => {
  it("every problem (each variant) and every input error has a message in both catalogs", () => {
    const variants: GraphProblem[] = (Object.keys(CODES) as GraphProblemCode[]).flatMap((code): GraphProblem[] =>
      code === "unknown_plugin"
        ? [{ code, blocks: "run", available: [] }, { code, blocks: "run", available: ["1.0.0"] }]
        : code === "bad_reference"
          ? (["unknown_node", "not_upstream", "unknown_output"] as const).map((reason) => ({ code, blocks: "run", reason }))
          : [{ code, blocks: "save" }],
    );
    for (const catalog of catalogs) {
      for (const p of variants) {
        const [ns, key] = problemMessage(p).key.split(".");
        expect(catalog[ns]?.[key], `${ns}.${key}`).toEqual(expect.any(String));
      }
      for (const key of Object.keys(INPUT_ERRORS)) expect(catalog.inputErrors[key], key).toEqual(expect.any(String));
    }
  });

  it("names nodes and inputs as the caller sees them", () => {
    const p: GraphProblem = { code: "invalid_inputs", blocks: "save", nodeId: "a1", inputs: { message: { key: "required" }, repeat: { key: "number_invalid" } } };
    expect(problemMessage(p, (id) => `Node ${id}`, (id, key) => `${key.toUpperCase()}@${id}`)).toMatchObject({
      key: "problems.invalid_inputs",
      values: { node: "Node a1", inputs: "MESSAGE@a1, REPEAT@a1" },
    });
    expect(problemMessage({ code: "cycle", blocks: "save", nodeIds: ["a", "b"] }).values.nodes).toBe("a → b");
  });

  it("only empty required fields are said to be empty, not invalid", () => {
    const p: GraphProblem = { code: "invalid_inputs", blocks: "run", nodeId: "a1", inputs: { message: { key: "required" }, apiKey: { key: "required" } } };
    expect(problemMessage(p)).toMatchObject({ key: "problems.required_inputs", values: { inputs: "message, apiKey" } });
    for (const [locale, text] of [["en", "a1: required inputs are empty (message, apiKey)."], ["zh-CN", "a1：必填输入为空（message, apiKey）。"]] as const) {
      const { key, values } = problemMessage(p);
      expect(translator(locale)(`editor.${key}` as never, values as never)).toBe(text);
    }
  });
});
