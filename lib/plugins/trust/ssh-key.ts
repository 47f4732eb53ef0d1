/**
 * OpenSSH public keys ("ssh-ed25519 AAAA… comment", one line of an authorized_keys / allowed_signers file) turned
 * into node:crypto KeyObjects through JWK: Ed25519, ECDSA on P-256/384/521 and RSA (2048 bits or more). Security
 * keys (sk-*) and certificates are not supported.
 */
import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { SshFormatError, SshReader } from "./ssh-wire";

const CURVES = { "ecdsa-sha2-nistp256": ["nistp256", "P-256", 32], "ecdsa-sha2-nistp384": ["nistp384", "P-384", 48], "ecdsa-sha2-nistp521": ["nistp521", "P-521", 66] } as const;
export type SshKeyType = "ssh-ed25519" | "ssh-rsa" | keyof typeof CURVES;

export interface SshPublicKey {
  type: SshKeyType;
  /** The key's wire blob (what a signature names its key by). */
  blob: Buffer;
  key: KeyObject;
  /** OpenSSH's fingerprint: "SHA256:" + unpadded base64 of the blob's sha256. */
  fingerprint: string;
  /** RSA: the modulus size in bits. */
  bits?: number;
}

const b64url = (b: Buffer) => b.toString("base64url");

export const sshFingerprint = (blob: Buffer) => `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;

/** The key in a wire blob; throws SshFormatError on anything else. */
export function sshKeyFromBlob(blob: Buffer): SshPublicKey {
  const r = new SshReader(blob);
  const type = r.text();
  let jwk: JsonWebKey;
  let bits: number | undefined;
  if (type === "ssh-ed25519") {
    const pk = r.string();
    if (pk.length !== 32) throw new SshFormatError("bad Ed25519 key");
    jwk = { kty: "OKP", crv: "Ed25519", x: b64url(pk) };
  } else if (type === "ssh-rsa") {
    const e = r.mpint();
    const n = r.mpint();
    bits = n.length * 8 - (n.length ? Math.clz32(n[0]) - 24 : 0);
    if (bits < 2048) throw new SshFormatError("RSA keys under 2048 bits are refused");
    if (bits > 16384 || e.length > 8) throw new SshFormatError("bad RSA key");
    jwk = { kty: "RSA", n: b64url(n), e: b64url(e) };
  } else if (type in CURVES) {
    const [ident, crv, size] = CURVES[type as keyof typeof CURVES];
    if (r.text() !== ident) throw new SshFormatError("curve does not match the key type");
    const q = r.string();
    if (q.length !== 1 + 2 * size || q[0] !== 4) throw new SshFormatError("bad ECDSA point");
    jwk = { kty: "EC", crv, x: b64url(q.subarray(1, 1 + size)), y: b64url(q.subarray(1 + size)) };
  } else {
    throw new SshFormatError(`unsupported key type ${JSON.stringify(type.slice(0, 40))}`);
  }
  if (!r.done) throw new SshFormatError("trailing bytes after the key");
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: "jwk" });
  } catch {
    throw new SshFormatError("not a valid public key");
  }
  return { type: type as SshKeyType, blob, key, fingerprint: sshFingerprint(blob), bits };
}

/** Parses one OpenSSH public key line ("<type> <base64> [comment]"); throws SshFormatError. */
export function parseSshPublicKey(text: string): SshPublicKey {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) throw new SshFormatError("expected \"<type> <base64> [comment]\"");
  const [type, data] = parts;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw new SshFormatError("the key is not base64");
  const parsed = sshKeyFromBlob(Buffer.from(data, "base64"));
  if (parsed.type !== type) throw new SshFormatError("the key's type does not match its data");
  return parsed;
}
