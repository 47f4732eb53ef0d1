import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decryptSecret, deriveKey, encryptSecret, openSecrets, sealSecrets } from "./secrets";

const SECRET_A = "a".repeat(16) + "-first-app-secret-0123456789";
const SECRET_B = "b".repeat(16) + "-other-app-secret-9876543210";

const tmpDirs: string[] = [];
const freshDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-secrets-"));
  tmpDirs.push(dir);
  return path.join(dir, "data"); // not created yet: the key file's directory is made on demand
};

describe("secrets at rest (AES-256-GCM envelopes)", () => {
  beforeEach(() => {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("APP_SECRET", SECRET_A);
  });
  // Every test's env changes (APP_SECRET, NODE_ENV, DATA_DIR) are undone.
  afterEach(() => vi.unstubAllEnvs());
  afterAll(() => {
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips text, including empty and non-ASCII strings", () => {
    for (const plain of ["ghp_SECRET_TOKEN_123456", "", "pässwörd 🔑 密码", "x".repeat(10_000)]) {
      const envelope = encryptSecret(plain);
      expect(envelope).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
      if (plain) expect(envelope).not.toContain(plain);
      expect(decryptSecret(envelope)).toBe(plain);
    }
  });

  it("round-trips records through sealSecrets/openSecrets; an empty record is no envelope", () => {
    const sealed = sealSecrets({ token: "t0k3n", secretAccessKey: "s3cr3t" });
    expect(sealed).toMatch(/^v1\./);
    expect(openSecrets(sealed)).toEqual({ token: "t0k3n", secretAccessKey: "s3cr3t" });
    expect(sealSecrets({})).toBeNull();
    expect(openSecrets(null)).toEqual({});
    expect(openSecrets(undefined)).toEqual({});
  });

  it("uses a random IV: two encryptions of the same plaintext differ", () => {
    const a = encryptSecret("same plaintext");
    const b = encryptSecret("same plaintext");
    expect(a).not.toBe(b);
    expect(a.split(".")[1]).not.toBe(b.split(".")[1]);
    expect(decryptSecret(a)).toBe("same plaintext");
    expect(decryptSecret(b)).toBe("same plaintext");
  });

  it("derives different keys for different purposes and different root secrets", () => {
    const secrets = deriveKey("secrets");
    expect(secrets).toHaveLength(32);
    expect(deriveKey("session").equals(secrets)).toBe(false);
    vi.stubEnv("APP_SECRET", SECRET_B);
    expect(deriveKey("secrets").equals(secrets)).toBe(false);
  });

  it("refuses to decrypt with a different APP_SECRET, with a clear error", () => {
    const envelope = encryptSecret("ghp_SECRET_TOKEN_123456");
    vi.stubEnv("APP_SECRET", SECRET_B);
    expect(() => decryptSecret(envelope)).toThrow("secret cannot be decrypted: APP_SECRET differs from the one it was encrypted with");
    expect(() => openSecrets(envelope)).toThrow(/APP_SECRET differs/);
    vi.stubEnv("APP_SECRET", SECRET_A);
    expect(decryptSecret(envelope)).toBe("ghp_SECRET_TOKEN_123456");
  });

  it("rejects envelopes it cannot read", () => {
    for (const bad of ["", "plaintext", "v1.abc", "v2.a.b.c", "v1..b.c"]) {
      expect(() => decryptSecret(bad)).toThrow(/unreadable secret envelope/);
    }
  });

  it("refuses an APP_SECRET shorter than 32 characters", () => {
    vi.stubEnv("APP_SECRET", "too-short-secret");
    expect(() => encryptSecret("x")).toThrow(/APP_SECRET must be at least 32 characters/);
    expect(() => deriveKey("session")).toThrow(/at least 32 characters/);
    vi.stubEnv("APP_SECRET", "x".repeat(31));
    expect(() => encryptSecret("x")).toThrow(/at least 32 characters/);
    vi.stubEnv("APP_SECRET", "x".repeat(32));
    expect(decryptSecret(encryptSecret("x"))).toBe("x");
  });

  it("requires APP_SECRET in production, even when a development key file exists", () => {
    const dataDir = freshDataDir();
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("APP_SECRET", undefined);
    vi.stubEnv("NODE_ENV", "development");
    encryptSecret("creates the dev key file");
    expect(fs.existsSync(path.join(dataDir, "app-secret"))).toBe(true);

    vi.stubEnv("NODE_ENV", "production");
    expect(() => encryptSecret("x")).toThrow("APP_SECRET is required in production");
    expect(() => deriveKey("session")).toThrow("APP_SECRET is required in production");
    vi.stubEnv("APP_SECRET", "   ");
    expect(() => deriveKey("session")).toThrow("APP_SECRET is required in production");
  });

  it("without APP_SECRET in development, generates <DATA_DIR>/app-secret (mode 0600) once and reuses it", () => {
    const dataDir = freshDataDir();
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("APP_SECRET", undefined);
    vi.stubEnv("NODE_ENV", "development");
    const file = path.join(dataDir, "app-secret");
    expect(fs.existsSync(file)).toBe(false);

    const envelope = encryptSecret("dev secret");
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const generated = fs.readFileSync(file, "utf8").trim();
    expect(generated.length).toBeGreaterThanOrEqual(32);
    const key = deriveKey("secrets");

    // Next call: same file, same key, the envelope still opens.
    expect(decryptSecret(envelope)).toBe("dev secret");
    expect(deriveKey("secrets").equals(key)).toBe(true);
    expect(fs.readFileSync(file, "utf8").trim()).toBe(generated);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // The file really is the root secret: the same key as APP_SECRET=<file contents>.
    vi.stubEnv("APP_SECRET", generated);
    expect(deriveKey("secrets").equals(key)).toBe(true);
    expect(decryptSecret(envelope)).toBe("dev secret");

    // Another data directory gets its own secret, which cannot open this envelope.
    vi.stubEnv("APP_SECRET", undefined);
    vi.stubEnv("DATA_DIR", freshDataDir());
    expect(deriveKey("secrets").equals(key)).toBe(false);
    expect(() => decryptSecret(envelope)).toThrow(/APP_SECRET differs/);
  });
});
