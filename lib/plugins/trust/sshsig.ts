/**
 * SSH signatures (openssh PROTOCOL.sshsig), what `git -c gpg.format=ssh commit -S` writes: an armored blob of
 * "SSHSIG", version 1, the signer's public key, the namespace ("git"), a reserved string, the message hash
 * algorithm (sha256 | sha512) and the signature over "SSHSIG" ‖ namespace ‖ reserved ‖ hash algorithm ‖ H(message).
 * Verified with node:crypto: Ed25519, ECDSA P-256/384/521 (SHA-256/384/512 by curve) and RSA PKCS#1 v1.5 with
 * rsa-sha2-256 / rsa-sha2-512 (SHA-1 "ssh-rsa" signatures are refused).
 */
import { createHash, verify } from "node:crypto";
import { sshKeyFromBlob, type SshPublicKey } from "./ssh-key";
import { SshFormatError, SshReader, sshString } from "./ssh-wire";

const MAGIC = Buffer.from("SSHSIG");
export const SSHSIG_BEGIN = "-----BEGIN SSH SIGNATURE-----";
const END = "-----END SSH SIGNATURE-----";

export interface SshSignature {
  publicKey: SshPublicKey;
  namespace: string;
  hashAlgorithm: "sha256" | "sha512";
  sigFormat: string;
  sig: Buffer;
  reserved: Buffer;
}

/** Parses an armored SSH signature; throws SshFormatError. */
export function parseSshSignature(armored: string): SshSignature {
  const text = armored.trim();
  if (!text.startsWith(SSHSIG_BEGIN) || !text.endsWith(END)) throw new SshFormatError("not an armored SSH signature");
  const body = text.slice(SSHSIG_BEGIN.length, -END.length).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new SshFormatError("the signature is not base64");
  const blob = Buffer.from(body, "base64");
  const r = new SshReader(blob);
  if (!r.raw(MAGIC.length).equals(MAGIC)) throw new SshFormatError("no SSHSIG magic");
  if (r.uint32() !== 1) throw new SshFormatError("unsupported SSHSIG version");
  const publicKey = sshKeyFromBlob(Buffer.from(r.string()));
  const namespace = r.text();
  const reserved = Buffer.from(r.string());
  const hashAlgorithm = r.text();
  if (hashAlgorithm !== "sha256" && hashAlgorithm !== "sha512") throw new SshFormatError(`unsupported hash ${JSON.stringify(hashAlgorithm.slice(0, 20))}`);
  const s = new SshReader(Buffer.from(r.string()));
  if (!r.done) throw new SshFormatError("trailing bytes after the signature");
  const sigFormat = s.text();
  const sig = Buffer.from(s.string());
  if (!s.done) throw new SshFormatError("trailing bytes in the signature");
  return { publicKey, namespace, hashAlgorithm, sigFormat, sig, reserved };
}

/** Whether `parsed` is a valid signature of `message` in `namespace` by its own key (the caller checks the key is trusted). */
export function verifySshSignature(parsed: SshSignature, message: Buffer, namespace: string): boolean {
  if (parsed.namespace !== namespace) return false;
  const signed = Buffer.concat([
    MAGIC,
    sshString(parsed.namespace),
    sshString(parsed.reserved),
    sshString(parsed.hashAlgorithm),
    sshString(createHash(parsed.hashAlgorithm).update(message).digest()),
  ]);
  const { type, key } = parsed.publicKey;
  try {
    if (type === "ssh-ed25519") return parsed.sigFormat === "ssh-ed25519" && verify(null, signed, key, parsed.sig);
    if (type === "ssh-rsa") {
      const hash = parsed.sigFormat === "rsa-sha2-256" ? "sha256" : parsed.sigFormat === "rsa-sha2-512" ? "sha512" : null;
      return hash !== null && verify(hash, signed, key, parsed.sig);
    }
    if (parsed.sigFormat !== type) return false;
    const size = type === "ecdsa-sha2-nistp256" ? 32 : type === "ecdsa-sha2-nistp384" ? 48 : 66;
    const hash = type === "ecdsa-sha2-nistp256" ? "sha256" : type === "ecdsa-sha2-nistp384" ? "sha384" : "sha512";
    const rs = new SshReader(parsed.sig);
    const [rr, ss] = [rs.mpint(), rs.mpint()];
    if (!rs.done || rr.length > size || ss.length > size) return false;
    const p1363 = Buffer.concat([Buffer.alloc(size - rr.length), rr, Buffer.alloc(size - ss.length), ss]);
    return verify(hash, signed, { key, dsaEncoding: "ieee-p1363" }, p1363);
  } catch {
    return false;
  }
}
