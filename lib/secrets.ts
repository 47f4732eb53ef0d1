import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "./env";

/**
 * Secrets at rest: AES-256-GCM with a key derived (HKDF-SHA256) from APP_SECRET. APP_SECRET is required in
 * production; in development it is generated once into <dataDir>/app-secret with mode 0600, so a newcomer needs
 * nothing. Envelope: "v1.<iv>.<tag>.<ciphertext>" (base64url), so a key change can be detected and versioned later.
 */

const derived = new Map<string, Buffer>();

function rootSecret(): string {
  const fromEnv = env.appSecret();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error("APP_SECRET must be at least 32 characters (try: openssl rand -base64 48)");
    return fromEnv;
  }
  if (env.isProduction()) {
    throw new Error("APP_SECRET is required in production (at least 32 characters; try: openssl rand -base64 48)");
  }
  const file = path.join(env.dataDir(), "app-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written in full to a temp file, then linked into place: link fails if another process won the race, and a
    // reader never sees a half-written secret.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    fs.writeFileSync(tmp, randomBytes(48).toString("base64url") + "\n", { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const secret = fs.readFileSync(file, "utf8").trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable secret (under 32 characters): remove it or set APP_SECRET`);
  return secret;
}

/**
 * Fails with one clear line when the root secret is unusable: APP_SECRET shorter than 32 characters, or missing in
 * production. The server start and every CLI call it first, so a bad secret stops them before anything else runs
 * (instead of every sign-in failing later with a generic error).
 */
export function checkAppSecret(): void {
  rootSecret();
}

/** A 32-byte key for `purpose`, derived from the root secret. Different purposes never share a key. */
export function deriveKey(purpose: "secrets" | "session"): Buffer {
  const root = rootSecret();
  const id = `${purpose}:${root}`;
  let key = derived.get(id);
  if (!key) derived.set(id, (key = Buffer.from(hkdfSync("sha256", root, "opsflow", purpose, 32))));
  return key;
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey("secrets"), iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ct].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret(envelope: string): string {
  const [version, iv, tag, ct] = envelope.split(".");
  if (version !== "v1" || !iv || !tag || ct === undefined) throw new Error("unreadable secret envelope");
  const decipher = createDecipheriv("aes-256-gcm", deriveKey("secrets"), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("secret cannot be decrypted: APP_SECRET differs from the one it was encrypted with");
  }
}

/** Encrypts a record of secret fields (e.g. { token }) as one envelope; empty record = null. */
export function sealSecrets(values: Record<string, string>): string | null {
  return Object.keys(values).length ? encryptSecret(JSON.stringify(values)) : null;
}

export function openSecrets(envelope: string | null | undefined): Record<string, string> {
  return envelope ? (JSON.parse(decryptSecret(envelope)) as Record<string, string>) : {};
}
