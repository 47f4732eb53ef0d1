import type { z } from "zod";

/** Field errors as sent to forms and API clients: dotted path → message ("" = the whole input). */
export type FieldErrors = Record<string, string>;

/** Translates a catalog key under "validation." with the issue's numbers (e.g. {max}). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** Our messages are catalog keys; zod's own (wrong type, missing key, unknown discriminator) are mapped by code. */
export function issueKey(issue: z.core.$ZodIssue): string {
  if (/^[a-z_]+$/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      // zod drops `input` from final issues; its message names what it received.
      return /received undefined/.test(issue.message) ? "required" : "invalid_type";
    case "invalid_union":
    case "invalid_value":
      return "invalid_choice";
    case "unrecognized_keys":
      return "unknown_field";
    case "too_big":
      return "too_long";
    case "too_small":
      return "required";
    default:
      return "invalid";
  }
}

/** One message per field (the first issue), translated; paths joined with "." ("pluginSets.0.submodule"). */
export function toFieldErrors(error: z.ZodError, t: Translate): FieldErrors {
  // A Map, not an object: paths come from the input, and "toString" or "__proto__" must be plain keys.
  const out = new Map<string, string>();
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    if (out.has(key)) continue;
    const values: Record<string, string | number> = {};
    if ("maximum" in issue) values.max = Number(issue.maximum);
    if ("minimum" in issue) values.min = Number(issue.minimum);
    // Our custom issues may name what is wrong (e.g. the import module entry): plain values only.
    if (issue.code === "custom" && issue.params) {
      for (const [k, v] of Object.entries(issue.params)) if (typeof v === "string" || typeof v === "number") values[k] = v;
    }
    out.set(key, t(issueKey(issue), values));
  }
  return Object.fromEntries(out);
}
