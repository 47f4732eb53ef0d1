import { line } from "./common";
import { z } from "./zod";

/** The largest public key accepted (an armored OpenPGP key with a few subkeys and user ids fits easily). */
export const SIGNING_KEY_MAX = 16_384;

/**
 * A key of the signing-key allow-list: a name the sources' policies refer to (letters, digits, _ . -) and the public
 * key text. Whether the text is a usable public key (and its fingerprint) is checked by the server on save
 * (lib/plugins/trust/signing-key.ts): parsing needs node:crypto and the openpgp package.
 */
export const ZSigningKeyInput = z.strictObject({
  name: line(64)
    .min(1, { error: "required" })
    .regex(/^[A-Za-z0-9_.-]+$/, { error: "signing_key_name_format" }),
  publicKey: z
    .string({ error: "required" })
    .max(SIGNING_KEY_MAX, { error: "too_long" })
    .transform((s) => s.trim())
    .pipe(z.string().min(1, { error: "required" })),
});
export type TSigningKeyInput = z.input<typeof ZSigningKeyInput>;
