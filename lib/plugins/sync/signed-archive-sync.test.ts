import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "../__fixtures__/s3-server";
import { gpgKey, gpgSign, keyDir, sshKey, sshSign, type GpgTestKey, type SshTestKey } from "../__fixtures__/signing-keys";
import { startArchiveServer, tarGz, type ArchiveServer } from "../sources/http/__fixtures__/archive-server";
import { fsCache } from "../cache/fs";
import type { CacheStore } from "../cache/types";
import type { TrustedKey } from "../trust/signing-key";
import { expectFailedKeepingLastGood, signedSync, trusted } from "../__fixtures__/signed-sync";
import { readManifest, type Manifest } from "./manifest";
import type { SyncSourceInput } from "./run-sync";

/**
 * Signature policy of http and s3 sources end to end: detached signatures made by `ssh-keygen -Y sign -n file` and
 * `gpg --armor --detach-sign`, a SHA256SUMS made by `sha256sum`, served by the http archive fixture server and by
 * s3rver, synced by runSync with the allow-list.
 */
const EXAMPLES = path.resolve("examples/plugins/custom_plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-signed-archive-"));
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** The example package as files relative to the package root ("custom_plugins/…"). */
const examplePackage = (extra: Record<string, string> = {}): Record<string, string> => ({
  ...Object.fromEntries(
    fs
      .readdirSync(EXAMPLES, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => {
        const abs = path.join(d.parentPath, d.name);
        return [`custom_plugins/${path.relative(EXAMPLES, abs)}`, fs.readFileSync(abs, "utf8")];
      }),
  ),
  ...extra,
});

/** What `sha256sum` prints for these files (run in a directory holding them, paths as given). */
function sha256sums(files: Record<string, string>): string {
  const dir = tmp();
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
  const out = execFileSync("sha256sum", ["--", ...Object.keys(files).sort()], { cwd: dir }).toString();
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

let keysDir: string;
let release: SshTestKey;
let stranger: SshTestKey;
let pgp: GpgTestKey;
let keys: Record<string, TrustedKey>;
let cache: CacheStore;

beforeAll(async () => {
  keysDir = keyDir();
  release = sshKey(keysDir, "release");
  stranger = sshKey(keysDir, "stranger");
  pgp = gpgKey("Release Bot <bot@test.invalid>");
  keys = { release: await trusted("release", release.publicKey), pgp: await trusted("pgp-bot", pgp.publicKey) };
  cache = fsCache(tmp());
}, 60_000);

afterAll(() => {
  fs.rmSync(keysDir, { recursive: true, force: true });
  if (pgp) fs.rmSync(pgp.home, { recursive: true, force: true });
});

const sync = signedSync(() => cache, tmp);

describe("signature policy of an http source (detached <url>.sig / <url>.asc)", () => {
  let server: ArchiveServer;
  let good: Manifest;
  let signedArchive: Buffer;
  let n = 0;
  /** Serves `archive` at a new path, with the signatures given; returns its URL. */
  const publish = (archive: Buffer, sigs: { sig?: string; asc?: string } = {}) => {
    const p = `/r${++n}/plugins.tar.gz`;
    server.offer(p, { body: archive });
    if (sigs.sig !== undefined) server.offer(`${p}.sig`, { body: Buffer.from(sigs.sig) });
    if (sigs.asc !== undefined) server.offer(`${p}.asc`, { body: Buffer.from(sigs.asc) });
    return `${server.url}${p}`;
  };
  const source = (url: string, signature: "off" | "any" | "keys", signingKeys = "", pin = ""): SyncSourceInput => ({
    name: "signed-http",
    kind: "http",
    settings: { url, auth: "none", username: "", sha256: pin, strip: "0", signature, signingKeys },
    secret: {},
    sets: [SET],
  });
  const archiveOf = (readme: string) => tarGz({ ...examplePackage(), "custom_plugins/README.md": readme });
  let goodUrl: string;

  beforeAll(async () => {
    server = await startArchiveServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("an archive signed by an allowed SSH key (ssh-keygen -Y sign -n file) is synced, with the signer recorded", async () => {
    signedArchive = archiveOf("release 1\n");
    goodUrl = publish(signedArchive, { sig: sshSign(release, signedArchive, "file") });
    const run = await sync(source(goodUrl, "keys", "release"), null, [keys.release, keys.pgp]);
    expect(run.results[0]).toMatchObject({ status: "succeeded", signer: { name: "release", fingerprint: keys.release.fingerprint } });
    const stored = await readManifest(cache, run.id);
    expect(stored.sources[0].signer).toEqual({ name: "release", fingerprint: keys.release.fingerprint });
    expect(stored.sets[0]).toMatchObject({ status: "fresh", signer: { name: "release" } });
    expect(run.lines).toContainEqual(expect.stringContaining(`http: the archive (sha256 ${sha256(signedArchive).slice(0, 12)}) is signed by release (${keys.release.fingerprint})`));
    good = stored;
    // The .asc was not asked for: the policy trusts an SSH key only for "release".
    expect(server.requests.filter((r) => r.path.endsWith(".asc"))).toEqual([]);

    // Unchanged (same ETag) and the key still trusted: reused, the signer carried.
    const again = await sync(source(goodUrl, "keys", "release"), good, [keys.release, keys.pgp]);
    expect(again.results[0]).toMatchObject({ status: "reused", signer: { name: "release" } });
  });

  it("an archive without a signature next to it fails; the last good copy is kept", async () => {
    const url = publish(archiveOf("unsigned\n"));
    const run = await sync(source(url, "any"), good, [keys.release, keys.pgp]);
    expectFailedKeepingLastGood(run, good, /signature check failed: the archive http:\S+ is not signed \(no \.sig or \.asc next to it\)/);
    // With the policy off the same archive syncs, no signer.
    const off = await sync(source(url, "off"), good, [keys.release]);
    expect(off.results[0]).toMatchObject({ status: "succeeded" });
    expect(off.results[0].signer).toBeUndefined();
  });

  it("signed by a key not in the allow-list, or in another SSH namespace, fails", async () => {
    const archive = archiveOf("stranger\n");
    const run = await sync(source(publish(archive, { sig: sshSign(stranger, archive, "file") }), "any"), good, [keys.release, keys.pgp]);
    expectFailedKeepingLastGood(run, good, /\(\.sig\) is signed by SSH key SHA256:\S+, which is not in the allowed keys/);
    const gitNs = await sync(source(publish(archive, { sig: sshSign(release, archive, "git") }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(gitNs, good, /the SSH signature is for namespace "git", not "file"/);
  });

  it("an archive changed after signing (the old .sig kept) fails as a bad signature", async () => {
    const url = publish(archiveOf("tampered\n"), { sig: sshSign(release, signedArchive, "file") });
    const run = await sync(source(url, "keys", "release"), good, [keys.release]);
    expectFailedKeepingLastGood(run, good, /has a bad signature by release \(SHA256:\S+\): the content does not match what was signed/);
  });

  it("signed with gpg by an allowed OpenPGP key (.asc) is synced; the pin and the signature both hold", async () => {
    const archive = archiveOf("pgp\n");
    const url = publish(archive, { asc: gpgSign(pgp, archive) });
    const run = await sync(source(url, "keys", "pgp-bot", sha256(archive)), good, [keys.release, keys.pgp]);
    expect(run.results[0]).toMatchObject({ status: "succeeded", signer: { name: "pgp-bot", fingerprint: keys.pgp.fingerprint } });
    // The same, signed, archive with a pin that does not match: fails on the pin.
    const pinned = await sync(source(url, "keys", "pgp-bot", "0".repeat(64)), good, [keys.pgp]);
    expectFailedKeepingLastGood(pinned, good, new RegExp(`the archive's sha256 is ${sha256(archive)}, not the pinned 0{64}`));
  });

  it("the signature is fetched with the archive's credentials; an oversized one is refused unread", async () => {
    const archive = archiveOf("private\n");
    const auth = "Bearer sig-token-0123456789";
    server.offer("/private/plugins.tar.gz", { body: archive, authorization: auth });
    server.offer("/private/plugins.tar.gz.sig", { body: Buffer.from(sshSign(release, archive, "file")), authorization: auth });
    const src: SyncSourceInput = {
      name: "signed-http",
      kind: "http",
      settings: { url: `${server.url}/private/plugins.tar.gz`, auth: "bearer", username: "", sha256: "", strip: "0", signature: "keys", signingKeys: "release" },
      secret: { token: "sig-token-0123456789" },
      sets: [SET],
    };
    const run = await sync(src, good, [keys.release]);
    expect(run.results[0]).toMatchObject({ status: "succeeded", signer: { name: "release" } });
    expect(server.requests.filter((r) => r.path === "/private/plugins.tar.gz.sig").map((r) => [r.authorization, r.status])).toEqual([[auth, 200]]);

    const big = await sync(source(publish(archive, { sig: "x".repeat(70_000) }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(big, good, /signature check failed: http:\S+\.sig is larger than 65536 bytes, not a detached signature/);
  });

  it("the key removed from the allow-list: the same archive (same revision) fails, the last good copy is kept", async () => {
    const run = await sync(source(goodUrl, "keys", "release"), good, [keys.pgp]);
    expectFailedKeepingLastGood(run, good, /no signing key is allowed for this source \(named by the source but not in the allow-list: release\)/);
  });
});

describe("signature policy of an s3 source (SHA256SUMS at the prefix)", () => {
  let s3: S3Server;
  let good: Manifest;
  let n = 0;
  const BUCKET = "signed";
  const files = examplePackage();
  /** Puts `objects` under a new prefix with the given SHA256SUMS and signatures; returns the prefix. */
  const publish = async (objects: Record<string, string>, sums?: string, sigs: { sig?: string; asc?: string } = {}) => {
    const prefix = `rel${++n}/`;
    for (const [rel, body] of Object.entries(objects)) await s3.put(BUCKET, prefix + rel, body);
    if (sums !== undefined) await s3.put(BUCKET, `${prefix}SHA256SUMS`, sums);
    if (sigs.sig !== undefined) await s3.put(BUCKET, `${prefix}SHA256SUMS.sig`, sigs.sig);
    if (sigs.asc !== undefined) await s3.put(BUCKET, `${prefix}SHA256SUMS.asc`, sigs.asc);
    return prefix;
  };
  const source = (prefix: string, signature: "off" | "any" | "keys", signingKeys = "", pin = ""): SyncSourceInput => ({
    name: "signed-s3",
    kind: "s3",
    settings: { endpoint: s3.endpoint, region: s3.region, bucket: BUCKET, prefix, accessKeyId: s3.accessKeyId, pathStyle: true, sha256: pin, signature, signingKeys },
    secret: { secretAccessKey: s3.secretAccessKey },
    sets: [SET],
  });
  let goodPrefix: string;
  let sums: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.bucket(BUCKET);
    sums = sha256sums(files);
  });
  afterAll(async () => {
    await s3?.close();
  });

  it("a SHA256SUMS signed by an allowed SSH key: every object checked against it, synced with the signer", async () => {
    goodPrefix = await publish(files, sums, { sig: sshSign(release, sums, "file") });
    const run = await sync(source(goodPrefix, "keys", "release"), null, [keys.release]);
    expect(run.results[0]).toMatchObject({ status: "succeeded", signer: { name: "release", fingerprint: keys.release.fingerprint } });
    const stored = await readManifest(cache, run.id);
    expect(stored.sources[0].signer).toEqual({ name: "release", fingerprint: keys.release.fingerprint });
    expect(stored.sets[0].files.map((f) => f.path).sort()).toEqual(Object.keys(files).map((p) => p.slice("custom_plugins/".length)).sort());
    expect(run.lines).toContainEqual(expect.stringContaining(`s3: SHA256SUMS (sha256 ${sha256(sums).slice(0, 12)}) is signed by release`));
    good = stored;
    const again = await sync(source(goodPrefix, "keys", "release"), good, [keys.release]);
    expect(again.results[0]).toMatchObject({ status: "reused", signer: { name: "release" } });
  });

  it("no SHA256SUMS.sig, or no SHA256SUMS at all, fails", async () => {
    const unsigned = await sync(source(await publish(files, sums), "any"), good, [keys.release, keys.pgp]);
    expectFailedKeepingLastGood(unsigned, good, /signature check failed: s3:\/\/signed\/rel\d+\/SHA256SUMS is not signed \(no \.sig or \.asc next to it\)/);
    const none = await sync(source(await publish(files), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(none, good, /SHA256SUMS does not exist \(the signature policy needs a signed checksum list at the prefix\)/);
  });

  it("signed by a key not in the allow-list fails", async () => {
    const run = await sync(source(await publish(files, sums, { sig: sshSign(stranger, sums, "file") }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(run, good, /SHA256SUMS \(\.sig\) is signed by SSH key SHA256:\S+, which is not in the allowed keys/);
  });

  it("content changed after signing fails with the object and both digests", async () => {
    const greet = "custom_plugins/collections/greet.mjs";
    expect(files[greet]).toBeDefined();
    const changed = { ...files, [greet]: `${files[greet]}\nexport const evil = 1;\n` };
    const run = await sync(source(await publish(changed, sums, { sig: sshSign(release, sums, "file") }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(run, good, new RegExp(`S3 object "rel\\d+/${greet}" has sha256 ${sha256(changed[greet])}, not ${sha256(files[greet])} as SHA256SUMS lists`));
  });

  it("a file not in SHA256SUMS, or listed but missing, fails", async () => {
    const extra = { ...files, "custom_plugins/collections/extra.mjs": "export default 1;\n" };
    const unlisted = await sync(source(await publish(extra, sums, { sig: sshSign(release, sums, "file") }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(unlisted, good, /S3 object "rel\d+\/custom_plugins\/collections\/extra\.mjs" is not listed in SHA256SUMS/);
    const listed = sha256sums(extra);
    const fewer = await sync(source(await publish(files, listed, { sig: sshSign(release, listed, "file") }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(fewer, good, /"custom_plugins\/collections\/extra\.mjs" is listed in SHA256SUMS but not in the bucket/);
  });

  it("a signed SHA256SUMS whose path escapes the prefix fails as an unsafe path", async () => {
    const hostile = `${sums}${sha256("x")}  ../rel1/custom_plugins/collections/greet.mjs\n`;
    const run = await sync(source(await publish(files, hostile, { sig: sshSign(release, hostile, "file") }), "any"), good, [keys.release]);
    expectFailedKeepingLastGood(run, good, /unsafe path in SHA256SUMS line \d+: "\.\.\/rel1\/custom_plugins\/collections\/greet\.mjs"/);
  });

  it("a pinned sha256 of SHA256SUMS needs no key; a mismatch fails; OpenPGP .asc with a pin syncs", async () => {
    const prefix = await publish(files, sums);
    const pinned = await sync(source(prefix, "off", "", sha256(sums)), good, []);
    expect(pinned.results[0]).toMatchObject({ status: "succeeded" });
    expect(pinned.results[0].signer).toBeUndefined();
    const wrong = await sync(source(prefix, "off", "", "f".repeat(64)), good, []);
    expectFailedKeepingLastGood(wrong, good, new RegExp(`SHA256SUMS has sha256 ${sha256(sums)}, not the pinned f{64}`));
    const asc = await sync(source(await publish(files, sums, { asc: gpgSign(pgp, sums) }), "keys", "pgp-bot", sha256(sums)), good, [keys.pgp]);
    expect(asc.results[0]).toMatchObject({ status: "succeeded", signer: { name: "pgp-bot" } });
  });

  it("the key removed from the allow-list: the same content fails, the last good copy is kept", async () => {
    const run = await sync(source(goodPrefix, "keys", "release"), good, [keys.pgp]);
    expectFailedKeepingLastGood(run, good, /no signing key is allowed for this source \(named by the source but not in the allow-list: release\)/);
  });
});
