import { z } from "./zod";
import { line } from "./common";

/**
 * Credentials: a name, a description and a secret value. The value is write-only: no response carries it, and an
 * update without one keeps the stored value.
 */

export const CREDENTIAL_VALUE_MAX = 10_000;

export const ZCredentialName = line(100).min(1, { error: "required" });
const ZValue = z.string().max(CREDENTIAL_VALUE_MAX, { error: "too_long" });

export const ZCredentialCreate = z.strictObject({
  name: ZCredentialName,
  description: z.string().trim().max(500, { error: "too_long" }).default(""),
  value: ZValue.min(1, { error: "required" }),
});
export type TCredentialCreate = z.input<typeof ZCredentialCreate>;

/** An edit: blank or missing `value` keeps the stored one. */
export const ZCredentialUpdate = z.strictObject({
  name: ZCredentialName.optional(),
  description: z.string().trim().max(500, { error: "too_long" }).optional(),
  value: ZValue.optional(),
});
export type TCredentialUpdate = z.input<typeof ZCredentialUpdate>;
