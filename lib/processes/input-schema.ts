import { z } from "../validations/zod";
import type { PluginDescriptor } from "../plugins/contract";
import { isCredentialRef } from "./credential-ref";
import { hasMalformedReference, isWholeReference } from "./templates";

/**
 * The input rules of a plugin node, generated from the plugin's input definitions. One schema for the inspector
 * form (browser) and the server: on save a value must be valid or be a reference to an earlier node's output
 * (`mode: "save"`); at run time, after the references are resolved, it must be valid (`mode: "run"`).
 *
 * Stored forms: text/textarea → string; secret → a credential reference `{ credential: id }` (never the value;
 * at run time the decrypted string); number → number; boolean → boolean; select → an option's value;
 * json → the JSON text as typed (parsed at run time). A blank value ("", null, missing) is "not given": the
 * field's default applies at run time, and a required field without a default is an error.
 */

export type InputField = PluginDescriptor["inputs"][number];
export type InputMode = "save" | "run";

/** Longest accepted value per text-like type. */
export const INPUT_MAX = { text: 10_000, textarea: 100_000, secret: 10_000, json: 100_000 } as const;

/** Catalog keys under editor.inputErrors. */
export type InputErrorKey =
  | "required"
  | "too_long"
  | "invalid_type"
  | "number_invalid"
  | "boolean_invalid"
  | "invalid_choice"
  | "json_invalid"
  | "reference_invalid"
  | "reference_unavailable"
  | "reference_no_output"
  | "credential_required"
  | "unknown_field";

export interface InputError {
  key: InputErrorKey;
  values?: Record<string, string | number>;
}

export type InputCheck = { ok: true; values: Record<string, unknown> } | { ok: false; errors: Record<string, InputError> };

export const isBlank = (v: unknown) => v === undefined || v === null || v === "";

// A plain decimal number as text (what a number field or a referenced text output holds).
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

type Checked = { value: unknown } | InputError;

function checkValue(f: InputField, v: unknown, mode: InputMode): Checked {
  if (isBlank(v)) return f.required ? { key: "required" } : { value: undefined };
  // On save, any non-text field may hold exactly one reference; it is checked again after resolution.
  const deferred = mode === "save" && isWholeReference(v);
  switch (f.type) {
    case "secret":
      // Stored processes hold references only: a value typed into a process would be readable by all who open it.
      if (mode === "save") return isCredentialRef(v) ? { value: v } : { key: "credential_required" };
      if (typeof v !== "string") return { key: "invalid_type" };
      if (v.length > INPUT_MAX.secret) return { key: "too_long", values: { max: INPUT_MAX.secret } };
      return { value: v };
    case "text":
    case "textarea": {
      if (typeof v !== "string") return { key: "invalid_type" };
      if (v.length > INPUT_MAX[f.type]) return { key: "too_long", values: { max: INPUT_MAX[f.type] } };
      if (mode === "save" && hasMalformedReference(v)) return { key: "reference_invalid" };
      return { value: v };
    }
    case "number":
      if (deferred) return { value: v };
      if (typeof v === "number" && Number.isFinite(v)) return { value: v };
      if (typeof v === "string" && NUMERIC.test(v) && Number.isFinite(Number(v))) return { value: Number(v) };
      return { key: "number_invalid" };
    case "boolean":
      if (deferred) return { value: v };
      if (typeof v === "boolean") return { value: v };
      if (v === "true" || v === "false") return { value: v === "true" };
      return { key: "boolean_invalid" };
    case "select": {
      if (deferred) return { value: v };
      const options = f.options ?? [];
      if (!options.length) return typeof v === "string" || typeof v === "number" ? { value: v } : { key: "invalid_choice" };
      const hit = options.find((o) => o.value === v) ?? options.find((o) => String(o.value) === String(v));
      return hit && (typeof v === "string" || typeof v === "number") ? { value: hit.value } : { key: "invalid_choice" };
    }
    case "json":
      // At run time the text was parsed (and its references resolved) already: any JSON value is fine.
      if (mode === "run" || typeof v !== "string") return { value: v };
      if (v.length > INPUT_MAX.json) return { key: "too_long", values: { max: INPUT_MAX.json } };
      if (deferred) return { value: v };
      try {
        JSON.parse(v);
      } catch {
        return { key: "json_invalid" };
      }
      return hasMalformedReference(v) ? { key: "reference_invalid" } : { value: v };
  }
}

/**
 * The zod schema of a node's input values. Output: the values to store ("save") or to pass to the plugin ("run"),
 * blanks dropped, numbers and select values normalised. Issue messages are InputErrorKeys, paths the input keys.
 */
export function inputSchema(fields: readonly InputField[], mode: InputMode) {
  return z.record(z.string(), z.unknown()).transform((values, ctx) => {
    const out: Record<string, unknown> = {};
    const known = new Set(fields.map((f) => f.key));
    for (const key of Object.keys(values)) {
      if (!known.has(key)) ctx.addIssue({ code: "custom", message: "unknown_field", path: [key] });
    }
    for (const f of fields) {
      const r = checkValue(f, values[f.key], mode);
      if ("key" in r) ctx.addIssue({ code: "custom", message: r.key, path: [f.key], params: r.values });
      else if (r.value !== undefined) out[f.key] = r.value;
    }
    return out;
  });
}

/** Checks a node's input values; errors by input key (the first per key). */
export function validateInputs(fields: readonly InputField[], values: unknown, mode: InputMode): InputCheck {
  const parsed = inputSchema(fields, mode).safeParse(values ?? {});
  if (parsed.success) return { ok: true, values: parsed.data };
  const errors: Record<string, InputError> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join(".");
    if (key in errors) continue;
    const params = (issue as { params?: Record<string, string | number> }).params;
    errors[key] = issue.code === "custom" ? { key: issue.message as InputErrorKey, ...(params ? { values: params } : {}) } : { key: "invalid_type" };
  }
  return { ok: false, errors };
}

/** The values with each blank input that has a default set to it (a new node's form starts from these). */
export function applyDefaults(fields: readonly InputField[], values: Record<string, unknown> = {}): Record<string, unknown> {
  const out = { ...values };
  for (const f of fields) if (f.default !== undefined && isBlank(out[f.key])) out[f.key] = f.default;
  return out;
}
