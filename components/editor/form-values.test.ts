import { describe, expect, it } from "vitest";
import { examplePlugins } from "@/lib/processes/__fixtures__/plugins";
import { validateInputs } from "@/lib/processes/input-schema";
import { initialInputs, toFormValues, toStored } from "./form-values";

describe("inspector form values", () => {
  it("round-trip Test 1's inputs, and the defaults of a new node pass the shared schema once the message is set", async () => {
    const fields = (await examplePlugins()).find((p) => p.code === "cus_test_1")!.inputs;
    const initial = initialInputs(fields);
    expect(initial).toEqual({ repeat: 1, upper: false, level: "info" });
    const form = toFormValues(fields, initial);
    expect(form).toEqual({ message: "", details: "", repeat: "1", upper: false, level: "info", extra: "", apiKey: "" });
    expect(validateInputs(fields, toStored(fields, form), "save")).toMatchObject({ ok: false, errors: { message: { key: "required" } } });
    const filled = { ...form, message: "hello", repeat: "{{nodes.a.outputs.length}}", extra: '{"a":1}', apiKey: "ck_credential_1" };
    const stored = toStored(fields, filled);
    expect(stored).toEqual({ message: "hello", repeat: "{{nodes.a.outputs.length}}", upper: false, level: "info", extra: '{"a":1}', apiKey: { credential: "ck_credential_1" } });
    expect(validateInputs(fields, stored, "save").ok).toBe(true);
    expect(toFormValues(fields, stored)).toEqual(filled);
    expect(toStored(fields, { ...form, repeat: " 2.5 " }).repeat).toBe(2.5);
    // A secret typed into a process before credentials existed never reaches the form.
    expect(toFormValues(fields, { ...stored, apiKey: "plaintext" }).apiKey).toBe("");
  });
});
