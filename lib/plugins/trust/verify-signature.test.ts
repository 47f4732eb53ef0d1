import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gpgKey, gpgRevoke, gpgSign, keyDir, sshKey, sshSign, type GpgTestKey, type SshTestKey } from "../__fixtures__/signing-keys";
import { inspectSigningKey, SigningKeyError, type TrustedKey } from "./signing-key";
import { verifySignature } from "./verify-signature";

const payload = Buffer.from("tree 0123\nauthor A <a@x> 1 +0000\n\nsigned message\n");

async function trusted(name: string, publicKey: string): Promise<TrustedKey> {
  const info = await inspectSigningKey(publicKey);
  return { name, kind: info.kind, fingerprint: info.fingerprint, publicKey: info.normalized };
}

describe("SSH signatures (SSHSIG, namespace git) made by ssh-keygen -Y sign", () => {
  let dir: string;
  const keys: Record<string, SshTestKey> = {};
  beforeAll(() => {
    dir = keyDir();
    keys.ed25519 = sshKey(dir, "ed", "ed25519");
    keys.rsa = sshKey(dir, "rsa", "rsa", 3072);
    keys.p256 = sshKey(dir, "p256", "ecdsa", 256);
    keys.p384 = sshKey(dir, "p384", "ecdsa", 384);
    keys.p521 = sshKey(dir, "p521", "ecdsa", 521);
    keys.other = sshKey(dir, "other", "ed25519");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const type of ["ed25519", "rsa", "p256", "p384", "p521"]) {
    it(`${type}: a good signature names the key; a changed payload is a bad signature`, async () => {
      const key = await trusted(`key-${type}`, keys[type].publicKey);
      const sig = sshSign(keys[type], payload);
      expect(await verifySignature("commit abc", payload, sig, [key])).toEqual({ name: `key-${type}`, fingerprint: key.fingerprint });
      const changed = Buffer.from(payload.toString().replace("signed", "changed"));
      await expect(verifySignature("commit abc", changed, sig, [key])).rejects.toThrow(/bad signature by key-.*does not match what was signed/);
    });
  }

  it("fingerprints match ssh-keygen -l", async () => {
    const info = await inspectSigningKey(keys.rsa.publicKey);
    expect(info).toMatchObject({ kind: "ssh", algorithm: "ssh-rsa 3072" });
    expect(info.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("refuses an unsigned object, an unknown key, another namespace and a corrupt signature", async () => {
    const key = await trusted("ed", keys.ed25519.publicKey);
    await expect(verifySignature("commit abc", payload, null, [key])).rejects.toThrow("commit abc is not signed");
    await expect(verifySignature("commit abc", payload, sshSign(keys.other, payload), [key])).rejects.toThrow(/signed by SSH key SHA256:\S+, which is not in the allowed keys/);
    await expect(verifySignature("commit abc", payload, sshSign(keys.ed25519, payload, "file"), [key])).rejects.toThrow(/namespace "file", not "git"/);
    const sig = sshSign(keys.ed25519, payload);
    const lines = sig.trim().split("\n");
    lines[3] = lines[3].replace(/[A-Za-z]/, (c) => (c === "A" ? "B" : "A"));
    await expect(verifySignature("commit abc", payload, lines.join("\n"), [key])).rejects.toThrow(/commit abc (has a malformed SSH signature|has a bad signature|is signed by SSH key)/);
    await expect(verifySignature("commit abc", payload, "-----BEGIN SSH SIGNATURE-----\n!!!\n-----END SSH SIGNATURE-----", [key])).rejects.toThrow(/malformed SSH signature/);
    await expect(verifySignature("commit abc", payload, sshSign(keys.ed25519, payload), [])).rejects.toThrow(/no signing key is allowed/);
  });
});

describe("OpenPGP signatures made by gpg", () => {
  let good: GpgTestKey;
  let expired: GpgTestKey;
  let other: GpgTestKey;
  beforeAll(() => {
    good = gpgKey("Release Bot <release@test.invalid>");
    other = gpgKey("Someone Else <else@test.invalid>");
    // Made and used in 2020 with one day of validity: expired long before now.
    expired = gpgKey("Old Bot <old@test.invalid>", { expire: "1d", faked: "20200101T000000" });
  });
  afterAll(() => [good, expired, other].forEach((k) => k && fs.rmSync(k.home, { recursive: true, force: true })));

  it("a good signature names the key; a changed payload is a bad signature", async () => {
    const key = await trusted("release", good.publicKey);
    expect(key.fingerprint).toBe(good.fingerprint);
    const sig = gpgSign(good, payload);
    expect(await verifySignature("tag v1", payload, sig, [key])).toEqual({ name: "release", fingerprint: good.fingerprint });
    await expect(verifySignature("tag v1", Buffer.concat([payload, Buffer.from("x")]), sig, [key])).rejects.toThrow(/tag v1 has a bad signature by release/);
  });

  it("refuses an unknown key, an expired key and a revoked key", async () => {
    const key = await trusted("release", good.publicKey);
    await expect(verifySignature("tag v1", payload, gpgSign(other, payload), [key])).rejects.toThrow(/signed by OpenPGP key [0-9A-F]{16}, which is not in the allowed keys/);
    const old = await trusted("old", expired.publicKey);
    expect((await inspectSigningKey(expired.publicKey)).expiresAt).toMatch(/^2020-01-0/);
    await expect(verifySignature("tag v1", payload, gpgSign(expired, payload, "20200101T010000"), [old])).rejects.toThrow(/signed by old \(\w+\), which (expired on 2020-01-0|has no valid self-signature)/);
    const sig = gpgSign(other, payload);
    const revoked = await trusted("revoked", gpgRevoke(other));
    await expect(verifySignature("tag v1", payload, sig, [revoked])).rejects.toThrow(/signed by revoked \(\w+\), which is revoked/);
  });
});

describe("inspectSigningKey refuses what is not a public key", () => {
  it.each([
    ["garbage", "hello world", "key_unparseable"],
    ["a huge line", `ssh-ed25519 ${"QUJD".repeat(50_000)}`, "key_unparseable"],
    ["wrong type name", "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIJnNoCguS/8u4qD2kl7HQmv3Rgj4HlmoFUJcgns8PPj7", "key_unparseable"],
    ["a DSA key", "ssh-dss AAAAB3NzaC1kc3MAAAA=", "key_unsupported"],
    ["a private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----", "key_private"],
    ["a broken armored key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnonsense\n-----END PGP PUBLIC KEY BLOCK-----", "key_unparseable"],
  ])("%s", async (_what, text, key) => {
    const err = await inspectSigningKey(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningKeyError);
    expect((err as SigningKeyError).key).toBe(key);
  });

  it("a small RSA key is unsupported", async () => {
    const dir = keyDir();
    const k = sshKey(dir, "small", "rsa", 1024);
    await expect(inspectSigningKey(k.publicKey)).rejects.toMatchObject({ key: "key_unsupported" });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
