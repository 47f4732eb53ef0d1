import type { TrustedKey } from "./signing-key";
import type { Signer } from "./verify-signature";

/** What a source's signature policy allows: the keys, and the names it lists that are not in the allow-list. */
export interface SignaturePolicy {
  keys: TrustedKey[];
  missing: string[];
}

/**
 * The keys a source's signature policy trusts, from the allow-list: null when the policy is off (or the kind has
 * none); "any": every key; "keys": the named ones (names match regardless of case). A named key that was removed
 * from the allow-list is simply not trusted any more (it is listed in `missing` for the error line).
 */
export function signaturePolicyOf(settings: Record<string, unknown>, allowList: readonly TrustedKey[]): SignaturePolicy | null {
  if (settings.signature !== "any" && settings.signature !== "keys") return null;
  if (settings.signature === "any") return { keys: [...allowList], missing: [] };
  const names = String(settings.signingKeys ?? "").split(",").map((n) => n.trim()).filter(Boolean);
  const byName = new Map(allowList.map((k) => [k.name.toLowerCase(), k]));
  return {
    keys: names.flatMap((n) => byName.get(n.toLowerCase()) ?? []),
    missing: names.filter((n) => !byName.has(n.toLowerCase())),
  };
}

/** The signer recorded last time, if its key is still trusted by the policy (then an unchanged revision is reused). */
export function stillTrusted(policy: SignaturePolicy, signer: Signer | undefined): Signer | null {
  const key = signer && policy.keys.find((k) => k.fingerprint === signer.fingerprint);
  return key ? { name: key.name, fingerprint: key.fingerprint } : null;
}
