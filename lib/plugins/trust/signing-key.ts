/**
 * The keys of the signing-key allow-list: an OpenSSH public key line (for `gpg.format=ssh` signatures) or an
 * armored OpenPGP public key (the `openpgp` package). Inspecting one says which kind it is and its fingerprint,
 * or why it is refused: unparseable, a private key, an unsupported algorithm.
 */
import * as openpgp from "openpgp";
import { parseSshPublicKey } from "./ssh-key";
import { SshFormatError } from "./ssh-wire";

export type SigningKeyKind = "ssh" | "openpgp";

/** A key of the allow-list as the verifier gets it (from the database, by the server). */
export interface TrustedKey {
  name: string;
  kind: SigningKeyKind;
  fingerprint: string;
  publicKey: string;
}

export interface KeyInfo {
  kind: SigningKeyKind;
  /** ssh: "SHA256:…"; openpgp: the primary key's fingerprint, upper-case hex. */
  fingerprint: string;
  /** "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa 3072", "eddsaLegacy", … */
  algorithm: string;
  /** The key as stored: trimmed; an SSH key without its comment's trailing spaces. */
  normalized: string;
  /** OpenPGP: the user ids, and when the key expires (null: never). */
  userIds?: string[];
  expiresAt?: string | null;
}

/** Why a key is refused: a catalog key under validation. */
export class SigningKeyError extends Error {
  constructor(
    readonly key: "key_unparseable" | "key_private" | "key_unsupported",
    detail: string,
  ) {
    super(detail);
    this.name = "SigningKeyError";
  }
}

const PGP_PUBLIC = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

export async function inspectSigningKey(text: string): Promise<KeyInfo> {
  const trimmed = text.trim();
  if (/-----BEGIN (OPENSSH|RSA|EC|DSA|PGP|ENCRYPTED)? ?PRIVATE KEY/.test(trimmed)) throw new SigningKeyError("key_private", "a private key");
  if (trimmed.startsWith(PGP_PUBLIC)) return inspectOpenPgp(trimmed);
  try {
    const k = parseSshPublicKey(trimmed);
    return { kind: "ssh", fingerprint: k.fingerprint, algorithm: k.bits ? `${k.type} ${k.bits}` : k.type, normalized: trimmed.split(/\s+/).join(" ") };
  } catch (e) {
    if (e instanceof SshFormatError && /unsupported|refused/.test(e.message)) throw new SigningKeyError("key_unsupported", e.message);
    throw new SigningKeyError("key_unparseable", e instanceof Error ? e.message : String(e));
  }
}

async function inspectOpenPgp(armored: string): Promise<KeyInfo> {
  let key: openpgp.Key;
  try {
    const keys = await openpgp.readKeys({ armoredKeys: armored });
    if (keys.length !== 1) throw new SigningKeyError("key_unparseable", "expected exactly one key");
    key = keys[0];
  } catch (e) {
    if (e instanceof SigningKeyError) throw e;
    throw new SigningKeyError("key_unparseable", e instanceof Error ? e.message : String(e));
  }
  if (key.isPrivate()) throw new SigningKeyError("key_private", "a private key");
  let expires: Date | number | null = null;
  try {
    expires = await key.getExpirationTime();
  } catch {
    // No valid self-signature: the verifier refuses its signatures; the list may still show it.
  }
  return {
    kind: "openpgp",
    fingerprint: key.getFingerprint().toUpperCase(),
    algorithm: String(key.getAlgorithmInfo().algorithm),
    normalized: armored,
    userIds: key.getUserIDs().slice(0, 10),
    expiresAt: expires instanceof Date ? expires.toISOString() : null,
  };
}
