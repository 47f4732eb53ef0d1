import { line } from "../../validations/common";
import { z } from "../../validations/zod";
import type { KindFormField } from "./spec";

/**
 * The signature-policy fields shared by the git, http and s3 kinds (same names, same rules, same form fields; the
 * labels are each kind's, under `sourceFields.<kind>.*`, since what is signed differs). Pure: used in the browser.
 */

/** Signature policy: off, any key of the allow-list, or only the keys named in signingKeys. */
export const SIGNATURE_POLICIES = ["off", "any", "keys"] as const;

/** Names of allowed signing keys, comma-separated: trimmed, blanks and repeats dropped, written back as "a, b". */
export const ZSigningKeyNames = line(2000)
  .default("")
  .transform((s) => [...new Set(s.split(",").map((n) => n.trim()).filter(Boolean))].join(", "))
  .refine((s) => s === "" || s.split(", ").every((n) => /^[A-Za-z0-9_.-]{1,64}$/.test(n)), { error: "signing_keys_format" })
  .refine((s) => s === "" || s.split(", ").length <= 50, { error: "signing_keys_too_many" });

/** The input fields: off | any (every key of the allow-list) | keys (only those named in signingKeys). */
export const signatureInput = () => ({
  signature: z.enum(SIGNATURE_POLICIES, { error: "invalid_choice" }).default("off"),
  signingKeys: ZSigningKeyNames,
});

/** The stored settings: optional (sources saved before signature policies have neither; absent = off). */
export const signatureSettings = {
  signature: z.enum(SIGNATURE_POLICIES).optional(),
  signingKeys: z.string().optional(),
};

/** The cross-field rule: "keys" needs at least one name. */
export const checkSignatureInput = (input: { signature: string; signingKeys: string }) =>
  input.signature === "keys" && !input.signingKeys ? { field: "signingKeys", key: "required" } : null;

/** A pinned sha256 (64 hex, lower-cased; "" = none). */
export const ZSha256Pin = line(64)
  .default("")
  .transform((s) => s.toLowerCase())
  .refine((s) => s === "" || /^[0-9a-f]{64}$/.test(s), { error: "digest_format" });

export const SIGNATURE_FILE_FIELDS = [
  { name: "signature", optional: true, omitWhen: "off" },
  { name: "signingKeys", optional: true },
] as const;

export const SIGNATURE_FORM_FIELDS = [
  { name: "signature", type: "select", initial: "off", options: SIGNATURE_POLICIES, hint: true },
  { name: "signingKeys", type: "text", initial: "", hint: true, autoComplete: "off", placeholder: "release-bot, alice", when: { field: "signature", in: ["keys"] } },
] as const satisfies readonly KindFormField[];
