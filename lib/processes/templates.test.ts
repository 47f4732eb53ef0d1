import { describe, expect, it } from "vitest";
import { examplePlugins } from "./__fixtures__/plugins";
import { prepareInputs } from "./prepare-inputs";
import { hasMalformedReference, isWholeReference, referencesIn, referenceText, resolveDeep, resolveString, TemplateError } from "./templates";

const outputs = new Map<string, Record<string, unknown>>([
  ["a", { echo: "hi", length: 2, obj: { k: [1, "x"] }, nothing: null }],
  ["b", { sum: 5 }],
]);

describe("templating of references", () => {
  it("finds references at any depth, spaces allowed inside the braces", () => {
    expect(referencesIn({ x: ["{{ nodes.a.outputs.echo }} and {{nodes.b.outputs.sum}}"], y: 3 })).toEqual([
      { nodeId: "a", key: "echo" },
      { nodeId: "b", key: "sum" },
    ]);
    expect(referenceText("a", "echo")).toBe("{{nodes.a.outputs.echo}}");
    expect(isWholeReference("{{nodes.a.outputs.echo}}")).toBe(true);
    expect(isWholeReference(" {{nodes.a.outputs.echo}}")).toBe(false);
  });

  it("tells malformed references from other braces", () => {
    expect(hasMalformedReference("{{nodes.a.outputs.echo}}")).toBe(false);
    expect(hasMalformedReference("{{ something else }}")).toBe(false);
    expect(hasMalformedReference("{{nodes.a.echo}}")).toBe(true);
    expect(hasMalformedReference("ok {{nodes.a.outputs.echo}} bad {{nodes.a.outputs.}}")).toBe(true);
  });

  it("a whole reference keeps the output's type; inside text it becomes text", () => {
    expect(resolveString("{{nodes.b.outputs.sum}}", outputs, true)).toBe(5);
    expect(resolveString("{{nodes.b.outputs.sum}}", outputs, false)).toBe("5");
    expect(resolveString("sum={{nodes.b.outputs.sum}}, obj={{nodes.a.outputs.obj}}, n={{nodes.a.outputs.nothing}}", outputs, true)).toBe(
      'sum=5, obj={"k":[1,"x"]}, n=',
    );
    expect(resolveDeep({ list: ["{{nodes.a.outputs.obj}}", "x{{nodes.a.outputs.echo}}"], n: 1 }, outputs)).toEqual({ list: [{ k: [1, "x"] }, "xhi"], n: 1 });
  });

  it("a node that is not upstream (not in the outputs given) or an output it did not return is an error", () => {
    expect(() => resolveString("{{nodes.c.outputs.echo}}", outputs, true)).toThrow(TemplateError);
    try {
      resolveString("x {{nodes.a.outputs.missing}}", outputs, false);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ ref: { nodeId: "a", key: "missing" }, reason: "no_output" });
    }
  });

  it("prepares a node's inputs: defaults, references by field type, JSON parsed, run-time rules", async () => {
    const test1 = (await examplePlugins()).find((p) => p.code === "cus_test_1")!;
    const stored = {
      message: "{{nodes.a.outputs.echo}} ({{nodes.b.outputs.sum}})",
      repeat: "{{nodes.b.outputs.sum}}",
      extra: '{ "from": "{{nodes.a.outputs.obj}}", "text": "said {{nodes.a.outputs.echo}}" }',
      apiKey: "k",
    };
    expect(prepareInputs(test1.inputs, stored, outputs)).toEqual({
      ok: true,
      values: { message: "hi (5)", repeat: 5, upper: false, level: "info", extra: { from: { k: [1, "x"] }, text: "said hi" }, apiKey: "k" },
    });
    // A text output that is not a number, in a number field; an unreachable node; a message that is blank.
    expect(prepareInputs(test1.inputs, { message: "{{nodes.a.outputs.nothing}}", repeat: "{{nodes.a.outputs.echo}}", details: "{{nodes.z.outputs.x}}" }, outputs)).toEqual({
      ok: false,
      errors: {
        message: { key: "required" },
        repeat: { key: "number_invalid" },
        details: { key: "reference_unavailable", values: { ref: "{{nodes.z.outputs.x}}" } },
      },
    });
    expect(prepareInputs(test1.inputs, { message: "m", extra: "{{nodes.a.outputs.gone}}" }, outputs)).toEqual({
      ok: false,
      errors: { extra: { key: "reference_no_output", values: { ref: "{{nodes.a.outputs.gone}}" } } },
    });
  });
});
