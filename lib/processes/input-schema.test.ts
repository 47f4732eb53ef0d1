import { beforeAll, describe, expect, it } from "vitest";
import type { PluginDescriptor } from "../plugins/contract";
import { examplePlugins } from "./__fixtures__/plugins";
import { applyDefaults, INPUT_MAX, validateInputs, type InputField } from "./input-schema";

let test1: PluginDescriptor;
beforeAll(async () => {
  test1 = (await examplePlugins()).find((p) => p.code === "cus_test_1")!;
});

const field = (f: Partial<InputField> & Pick<InputField, "key" | "type">): InputField => ({ label: f.key, required: false, ...f });

describe("input validation from plugin definitions", () => {
  it("accepts Test 1's defaults plus a message, and drops blanks", () => {
    const values = { ...applyDefaults(test1.inputs), message: "hi", details: "", apiKey: "" };
    expect(validateInputs(test1.inputs, values, "save")).toEqual({ ok: true, values: { message: "hi", repeat: 1, upper: false, level: "info" } });
  });

  it("requires required inputs: missing, empty and null are all blank", () => {
    for (const message of [undefined, "", null]) {
      expect(validateInputs(test1.inputs, { message }, "save")).toEqual({ ok: false, errors: { message: { key: "required" } } });
    }
  });

  it("numbers: numbers and numeric text (normalised); anything else is refused", () => {
    const f = [field({ key: "n", type: "number" })];
    expect(validateInputs(f, { n: 3.5 }, "save")).toEqual({ ok: true, values: { n: 3.5 } });
    expect(validateInputs(f, { n: " -2e3 " }, "run")).toEqual({ ok: true, values: { n: -2000 } });
    for (const n of ["12a", "1,5", Number.NaN, Infinity, true, {}]) {
      expect(validateInputs(f, { n }, "save"), String(n)).toEqual({ ok: false, errors: { n: { key: "number_invalid" } } });
    }
  });

  it("booleans: true/false (also as text, e.g. from a referenced output)", () => {
    const f = [field({ key: "b", type: "boolean", required: true })];
    expect(validateInputs(f, { b: false }, "save")).toEqual({ ok: true, values: { b: false } });
    expect(validateInputs(f, { b: "true" }, "run")).toEqual({ ok: true, values: { b: true } });
    expect(validateInputs(f, { b: "yes" }, "run")).toEqual({ ok: false, errors: { b: { key: "boolean_invalid" } } });
    expect(validateInputs(f, {}, "run")).toEqual({ ok: false, errors: { b: { key: "required" } } });
  });

  it("selects: only the offered options; numeric options match their text", () => {
    expect(validateInputs(test1.inputs, { message: "x", level: "warn" }, "save").ok).toBe(true);
    expect(validateInputs(test1.inputs, { message: "x", level: "debug" }, "save")).toEqual({ ok: false, errors: { level: { key: "invalid_choice" } } });
    const f = [field({ key: "s", type: "select", options: [{ value: 1, label: "one" }, { value: "two", label: "two" }] })];
    expect(validateInputs(f, { s: "1" }, "save")).toEqual({ ok: true, values: { s: 1 } });
    expect(validateInputs(f, { s: ["two"] }, "save")).toEqual({ ok: false, errors: { s: { key: "invalid_choice" } } });
  });

  it("json: the text must parse on save; kept as typed; any parsed value at run time", () => {
    const f = [field({ key: "j", type: "json" })];
    expect(validateInputs(f, { j: '{ "a": [1, 2] }' }, "save")).toEqual({ ok: true, values: { j: '{ "a": [1, 2] }' } });
    expect(validateInputs(f, { j: "{a: 1}" }, "save")).toEqual({ ok: false, errors: { j: { key: "json_invalid" } } });
    expect(validateInputs(f, { j: { a: 1 } }, "save")).toEqual({ ok: true, values: { j: { a: 1 } } });
    expect(validateInputs(f, { j: "plain text" }, "run")).toEqual({ ok: true, values: { j: "plain text" } });
  });

  it("text: strings only, capped", () => {
    const f = [field({ key: "t", type: "text" })];
    expect(validateInputs(f, { t: 5 }, "save")).toEqual({ ok: false, errors: { t: { key: "invalid_type" } } });
    expect(validateInputs(f, { t: "x".repeat(INPUT_MAX.text + 1) }, "save")).toEqual({ ok: false, errors: { t: { key: "too_long", values: { max: INPUT_MAX.text } } } });
  });

  it("a secret input stores a credential reference, never a value; at run time it is the decrypted string", () => {
    const f = [field({ key: "s", type: "secret" })];
    expect(validateInputs(f, { s: "hunter2" }, "save")).toEqual({ ok: false, errors: { s: { key: "credential_required" } } });
    expect(validateInputs(f, { s: "{{nodes.ab12cd34.outputs.echo}}" }, "save")).toEqual({ ok: false, errors: { s: { key: "credential_required" } } });
    expect(validateInputs(f, { s: { credential: "ck1" } }, "save")).toEqual({ ok: true, values: { s: { credential: "ck1" } } });
    expect(validateInputs(f, { s: { credential: "ck1", value: "x" } }, "save")).toEqual({ ok: false, errors: { s: { key: "credential_required" } } });
    expect(validateInputs(f, { s: "hunter2" }, "run")).toEqual({ ok: true, values: { s: "hunter2" } });
    expect(validateInputs(f, { s: { credential: "ck1" } }, "run")).toEqual({ ok: false, errors: { s: { key: "invalid_type" } } });
  });

  it("unknown inputs are refused", () => {
    expect(validateInputs(test1.inputs, { message: "x", nope: 1 }, "save")).toEqual({ ok: false, errors: { nope: { key: "unknown_field" } } });
  });

  it("on save, a reference stands in for a value of any type; a malformed one is refused", () => {
    const ref = "{{nodes.ab12cd34.outputs.length}}";
    const values = { message: `echo {{ nodes.ab12cd34.outputs.echo }}!`, repeat: ref, level: ref, extra: ref, upper: ref };
    expect(validateInputs(test1.inputs, values, "save")).toEqual({ ok: true, values });
    expect(validateInputs(test1.inputs, { ...values, repeat: `${ref}1` }, "save")).toMatchObject({ ok: false, errors: { repeat: { key: "number_invalid" } } });
    expect(validateInputs(test1.inputs, { message: "{{nodes.ab12.output.echo}}" }, "save")).toEqual({ ok: false, errors: { message: { key: "reference_invalid" } } });
    expect(validateInputs(test1.inputs, { message: "x", extra: '{"a": "{{nodes.a.outputs}}"}' }, "save")).toEqual({ ok: false, errors: { extra: { key: "reference_invalid" } } });
    // At run time references are resolved already: a leftover is just a value, checked as such.
    expect(validateInputs(test1.inputs, { message: "x", repeat: ref }, "run")).toMatchObject({ ok: false, errors: { repeat: { key: "number_invalid" } } });
  });

  it("defaults fill blanks only", () => {
    expect(applyDefaults(test1.inputs, { repeat: 3, level: "" })).toEqual({ repeat: 3, upper: false, level: "info" });
  });
});
