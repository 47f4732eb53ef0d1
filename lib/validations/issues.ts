import type { z } from "zod";

/** Field errors as sent to forms and API clients: dotted path → message ("" = the whole input). */
export type FieldErrors = Record<string, string>;

/** Translates a catalog key under "validation." with the issue's numbers (e.g. {max}). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** One message per field (the first issue), translated; paths joined with "." ("pluginSets.0.submodule"). */
export function toFieldErrors(error: z.ZodError, t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    if (key in out) continue;
    const values: Record<string, string | number> = {};
    if ("maximum" in issue) values.max = Number(issue.maximum);
    if ("minimum" in issue) values.min = Number(issue.minimum);
    out[key] = t(issue.message, values);
  }
  return out;
}
