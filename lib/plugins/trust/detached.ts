/**
 * Detached signatures of a file fetched from next to it — an http source's `<url>.sig` / `<url>.asc`, an S3
 * source's `SHA256SUMS.sig` / `SHA256SUMS.asc`. `.sig` is an SSH signature (`ssh-keygen -Y sign -n file`, namespace
 * "file"), `.asc` an armored OpenPGP detached signature (`gpg --armor --detach-sign`). The rule: `.sig` is looked
 * for when the policy trusts an SSH key, `.asc` when it trusts an OpenPGP key (neither when it trusts no key: that
 * is the reason then); the file passes when one of those found verifies over its exact bytes by an allowed key.
 * None found: "not signed"; else the first one's refusal is the reason.
 */
import { PluginSourceError } from "../types";
import type { SignaturePolicy } from "./policy";
import { SignatureError, verifySignature, type Signer } from "./verify-signature";

/** The SSHSIG namespace of detached file signatures (ssh-keygen -Y sign's usual `-n file`). */
export const FILE_NAMESPACE = "file";
/** A detached signature is small; a larger object is refused rather than read. */
export const MAX_SIGNATURE_BYTES = 64 * 1024;

export type DetachedSuffix = ".sig" | ".asc";

/** The signature objects to look for, in order, under this policy. */
export function detachedSuffixes(policy: SignaturePolicy): DetachedSuffix[] {
  const ssh = policy.keys.some((k) => k.kind === "ssh");
  const pgp = policy.keys.some((k) => k.kind === "openpgp");
  return [...(ssh ? [".sig" as const] : []), ...(pgp ? [".asc" as const] : [])];
}

/** The reason line of a failed check, as git sources word it (with the names the allow-list lacks). */
export function signatureFailure(e: SignatureError, policy: SignaturePolicy): PluginSourceError {
  const missing = policy.missing.length ? ` (named by the source but not in the allow-list: ${policy.missing.join(", ")})` : "";
  return new PluginSourceError(`signature check failed: ${e.message}${missing}`, "signature");
}

/**
 * Verifies `payload` (the file's exact bytes) against the signatures found (`found[suffix]`: its text, or null when
 * there is no such object). `what` names the file in the reason, e.g. "the archive https://…/a.tar.gz".
 */
export async function verifyDetached(what: string, payload: Buffer, found: Partial<Record<DetachedSuffix, string | null>>, policy: SignaturePolicy, now = new Date()): Promise<Signer> {
  const present = (Object.entries(found) as [DetachedSuffix, string | null][]).filter(([, text]) => text !== null && text !== undefined);
  try {
    if (!policy.keys.length) throw new SignatureError(`${what}: no signing key is allowed for this source`);
    if (!present.length) {
      const looked = Object.keys(found).join(" or ");
      throw new SignatureError(`${what} is not signed (no ${looked} next to it)`);
    }
    let first: SignatureError | null = null;
    for (const [suffix, text] of present) {
      try {
        return await verifySignature(`${what} (${suffix})`, payload, text, policy.keys, now, FILE_NAMESPACE);
      } catch (e) {
        if (!(e instanceof SignatureError)) throw e;
        first ??= e;
      }
    }
    throw first!;
  } catch (e) {
    if (e instanceof SignatureError) throw signatureFailure(e, policy);
    throw e;
  }
}
