/**
 * Checks a signed git object (commit or annotated tag) against the allow-list: the signature must be by one of the
 * trusted keys and valid over the payload. SSH signatures: ./sshsig.ts (namespace "git", or "file" for detached
 * signatures of archives and checksum lists); OpenPGP: the `openpgp`
 * package, the key not revoked and not expired now. Every refusal is a SignatureError with one clear line.
 */
import * as openpgp from "openpgp";
import { parseSshSignature, SSHSIG_BEGIN, verifySshSignature } from "./sshsig";
import type { TrustedKey } from "./signing-key";

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignatureError";
  }
}

export interface Signer {
  name: string;
  fingerprint: string;
}

const PGP_SIG = "-----BEGIN PGP SIGNATURE-----";

/** `namespace`: the SSHSIG namespace required ("git" for commits and tags; "file" for detached signatures of files). */
export async function verifySignature(what: string, payload: Buffer, signature: string | null, keys: readonly TrustedKey[], now = new Date(), namespace = "git"): Promise<Signer> {
  if (!signature) throw new SignatureError(`${what} is not signed`);
  if (keys.length === 0) throw new SignatureError(`${what}: no signing key is allowed for this source`);
  const sig = signature.trim();
  if (sig.startsWith(SSHSIG_BEGIN)) return verifySsh(what, payload, sig, keys, namespace);
  if (sig.startsWith(PGP_SIG)) return verifyOpenPgp(what, payload, sig, keys, now);
  throw new SignatureError(`${what} has a signature of an unsupported kind (only SSH and OpenPGP signatures are checked)`);
}

function verifySsh(what: string, payload: Buffer, sig: string, keys: readonly TrustedKey[], namespace: string): Signer {
  let parsed;
  try {
    parsed = parseSshSignature(sig);
  } catch (e) {
    throw new SignatureError(`${what} has a malformed SSH signature (${(e as Error).message})`);
  }
  const fp = parsed.publicKey.fingerprint;
  const key = keys.find((k) => k.kind === "ssh" && k.fingerprint === fp);
  if (!key) throw new SignatureError(`${what} is signed by SSH key ${fp}, which is not in the allowed keys`);
  if (parsed.namespace !== namespace) throw new SignatureError(`${what}: the SSH signature is for namespace ${JSON.stringify(parsed.namespace.slice(0, 40))}, not ${JSON.stringify(namespace)}`);
  if (!verifySshSignature(parsed, payload, namespace)) throw new SignatureError(`${what} has a bad signature by ${key.name} (${fp}): the content does not match what was signed`);
  return { name: key.name, fingerprint: fp };
}

async function verifyOpenPgp(what: string, payload: Buffer, sig: string, keys: readonly TrustedKey[], now: Date): Promise<Signer> {
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature: sig });
  } catch (e) {
    throw new SignatureError(`${what} has a malformed OpenPGP signature (${(e as Error).message.split("\n")[0]})`);
  }
  const issuers = signature.getSigningKeyIDs();
  const issuerHex = issuers.map((id) => id.toHex().toUpperCase());
  for (const trusted of keys) {
    if (trusted.kind !== "openpgp") continue;
    let key: openpgp.Key;
    try {
      key = await openpgp.readKey({ armoredKey: trusted.publicKey });
    } catch {
      continue;
    }
    if (!issuers.some((id) => key.getKeys(id).length > 0)) continue;
    const who = `${trusted.name} (${trusted.fingerprint})`;
    if (await key.isRevoked(undefined, undefined, now).catch(() => true)) throw new SignatureError(`${what} is signed by ${who}, which is revoked`);
    const expires = await key.getExpirationTime().catch(() => null);
    if (expires === null) throw new SignatureError(`${what} is signed by ${who}, which has no valid self-signature (expired or revoked)`);
    if (expires instanceof Date && expires.getTime() <= now.getTime()) throw new SignatureError(`${what} is signed by ${who}, which expired on ${expires.toISOString()}`);
    try {
      const message = await openpgp.createMessage({ binary: new Uint8Array(payload) });
      const result = await openpgp.verify({ message, signature, verificationKeys: key, date: now, expectSigned: true, format: "binary" });
      await result.signatures[0]?.verified;
    } catch (e) {
      const detail = (e as Error).message.split("\n")[0].replace(/^Error verifying \w* ?signature: ?/i, "");
      throw new SignatureError(`${what} has a bad signature by ${who}: ${detail || "the content does not match what was signed"}`);
    }
    return { name: trusted.name, fingerprint: trusted.fingerprint };
  }
  throw new SignatureError(`${what} is signed by OpenPGP key ${issuerHex.join(", ") || "(no issuer)"}, which is not in the allowed keys`);
}
