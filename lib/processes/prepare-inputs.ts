import { applyDefaults, validateInputs, type InputCheck, type InputError, type InputField } from "./input-schema";
import { isWholeReference, referenceText, resolveDeep, resolveString, TemplateError, type Outputs } from "./templates";

/**
 * The inputs a plugin receives when its node runs: defaults applied, references resolved from the outputs of the
 * nodes upstream of it (only those are in `outputs`), JSON parsed, then checked with the run-time rules.
 */
export function prepareInputs(fields: readonly InputField[], stored: Record<string, unknown>, outputs: Outputs): InputCheck {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const resolved: Record<string, unknown> = {};
  const errors: Record<string, InputError> = {};
  for (const [key, value] of Object.entries(applyDefaults(fields, stored))) {
    const field = byKey.get(key);
    try {
      resolved[key] = field ? resolveField(field, value, outputs) : value;
    } catch (err) {
      if (err instanceof TemplateError) {
        const ref = referenceText(err.ref.nodeId, err.ref.key);
        errors[key] = { key: err.reason === "unavailable" ? "reference_unavailable" : "reference_no_output", values: { ref } };
      } else if (err instanceof SyntaxError) errors[key] = { key: "json_invalid" };
      else throw err;
    }
  }
  const checked = validateInputs(fields, resolved, "run");
  if (checked.ok && !Object.keys(errors).length) return checked;
  return { ok: false, errors: { ...(checked.ok ? {} : checked.errors), ...errors } };
}

function resolveField(field: InputField, value: unknown, outputs: Outputs): unknown {
  if (typeof value !== "string") return field.type === "json" ? resolveDeep(value, outputs) : value;
  switch (field.type) {
    case "text":
    case "textarea":
    case "secret":
      return resolveString(value, outputs, false);
    case "json":
      if (isWholeReference(value)) return resolveString(value, outputs, true);
      // References inside JSON sit in its strings: parse first, so an output with quotes cannot break the JSON.
      return value.trim() === "" ? undefined : resolveDeep(JSON.parse(value), outputs);
    default:
      return resolveString(value, outputs, true);
  }
}
