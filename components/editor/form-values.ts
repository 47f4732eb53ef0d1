import { isCredentialRef } from "@/lib/processes/credential-ref";
import type { InputField } from "@/lib/processes/input-schema";

/**
 * The inspector form's values (strings, and booleans for checkboxes) ↔ the stored input values that the shared
 * input schema checks. A number field is a text box so that it can hold a reference; its text becomes a number
 * when it is one, and stays text otherwise (the schema then says what is wrong). A secret field is a choice of
 * credential: its form value is the credential's id, stored as `{ credential: id }` (a value typed into a process
 * before credentials existed is never put into the form).
 */
export type FormValues = Record<string, string | boolean>;

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export function toFormValues(fields: readonly InputField[], stored: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = stored[f.key];
    if (f.type === "boolean") out[f.key] = v === true;
    else if (f.type === "secret") out[f.key] = isCredentialRef(v) ? v.credential : "";
    else if (v === undefined || v === null) out[f.key] = "";
    else if (f.type === "json" && typeof v !== "string") out[f.key] = JSON.stringify(v, null, 2);
    else out[f.key] = String(v);
  }
  return out;
}

export function toStored(fields: readonly InputField[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.type === "boolean") {
      out[f.key] = v === true;
      continue;
    }
    if (typeof v !== "string" || v === "") continue;
    if (f.type === "secret") out[f.key] = { credential: v };
    else if (f.type === "number") out[f.key] = NUMBER.test(v) ? Number(v) : v;
    else if (f.type === "select") out[f.key] = f.options?.find((o) => String(o.value) === v)?.value ?? v;
    else out[f.key] = v;
  }
  return out;
}

/** A new node's inputs: the defaults, in stored form (a JSON default as its text). */
export function initialInputs(fields: readonly InputField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.default === undefined) continue;
    out[f.key] = f.type === "json" && typeof f.default !== "string" ? JSON.stringify(f.default, null, 2) : f.default;
  }
  return out;
}
