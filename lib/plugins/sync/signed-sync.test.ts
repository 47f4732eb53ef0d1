import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../__fixtures__/git-server";
import { gpgKey, keyDir, signedCommit, sshKey, tamperHead, type GpgTestKey, type SshTestKey } from "../__fixtures__/signing-keys";
import { fsCache } from "../cache/fs";
import type { CacheStore } from "../cache/types";
import type { TrustedKey } from "../trust/signing-key";
import { readTree } from "../../test/read-tree";
import { expectFailedKeepingLastGood, signedSync, trusted } from "../__fixtures__/signed-sync";
import { readManifest, type Manifest } from "./manifest";
import type { SyncSourceInput } from "./run-sync";

/**
 * Signature policy end to end: real commits and tags signed by `git` with ssh-keygen and gpg keys, served by
 * `git http-backend`, synced by runSync with the allow-list.
 */
const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] };
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-signed-sync-"));

let server: GitServer;
let url: string;
let dir: string;
let release: SshTestKey;
let stranger: SshTestKey;
let pgp: GpgTestKey;
let keys: Record<string, TrustedKey>;
let cache: CacheStore;

beforeAll(async () => {
  server = await startGitServer();
  url = (await server.createRepo("signed", readTree(EXAMPLES))).url;
  dir = keyDir();
  release = sshKey(dir, "release");
  stranger = sshKey(dir, "stranger");
  pgp = gpgKey("Release Bot <bot@test.invalid>");
  keys = { release: await trusted("release", release.publicKey), pgp: await trusted("pgp-bot", pgp.publicKey) };
  cache = fsCache(tmp());
}, 60_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (pgp) fs.rmSync(pgp.home, { recursive: true, force: true });
});

const source = (signature: "off" | "any" | "keys", signingKeys = "", ref = "main"): SyncSourceInput => ({
  name: "signed-src",
  kind: "git",
  settings: { url, ref, username: "", signature, signingKeys },
  secret: {},
  sets: [SET],
});

const sync = signedSync(() => cache, tmp);

describe("signature policy of a git source", () => {
  let good: Manifest;

  it("a commit signed by an allowed SSH key is synced, with the key's name in the manifest and the result", async () => {
    const sha = signedCommit(server.root, "signed", { "README.md": "signed 1\n" }, { ssh: release });
    const run = await sync(source("keys", "release"), null, [keys.release, keys.pgp]);
    expect(run.status).toBe("succeeded");
    expect(run.results[0]).toMatchObject({ status: "succeeded", revision: sha, signer: { name: "release", fingerprint: keys.release.fingerprint } });
    const stored = await readManifest(cache, run.id);
    expect(stored.sources[0].signer).toEqual({ name: "release", fingerprint: keys.release.fingerprint });
    expect(stored.sets[0]).toMatchObject({ status: "fresh", revision: sha, signer: { name: "release" } });
    expect(run.lines).toContainEqual(expect.stringContaining(`is signed by release (${keys.release.fingerprint})`));
    good = stored;

    // Unchanged and still trusted: reused without fetching, the signer carried.
    const again = await sync(source("keys", "release"), good, [keys.release, keys.pgp]);
    expect(again.results[0]).toMatchObject({ status: "reused", signer: { name: "release" } });
  });

  it("the key removed from the allow-list: the same commit fails with the reason, the last good copy is kept", async () => {
    const run = await sync(source("keys", "release"), good, [keys.pgp]);
    expectFailedKeepingLastGood(run, good, /signature check failed: commit \w+: no signing key is allowed for this source \(named by the source but not in the allow-list: release\)/);
    const any = await sync(source("any"), good, [keys.pgp]);
    expectFailedKeepingLastGood(any, good, /signed by SSH key SHA256:\S+, which is not in the allowed keys/);
  });

  it("an unsigned commit fails; with the policy off the same commit syncs", async () => {
    signedCommit(server.root, "signed", { "README.md": "unsigned\n" }, null);
    const run = await sync(source("keys", "release"), good, [keys.release]);
    expectFailedKeepingLastGood(run, good, /signature check failed: commit \w{12} is not signed/);
    const off = await sync(source("off"), good, [keys.release]);
    expect(off.results[0]).toMatchObject({ status: "succeeded" });
    expect(off.results[0].signer).toBeUndefined();
    expect(off.manifest.sets[0].signer).toBeUndefined();
  });

  it("a commit signed by a key not in the allow-list fails", async () => {
    signedCommit(server.root, "signed", { "README.md": "stranger\n" }, { ssh: stranger });
    const run = await sync(source("any"), good, [keys.release, keys.pgp]);
    expectFailedKeepingLastGood(run, good, /commit \w{12} is signed by SSH key SHA256:\S+, which is not in the allowed keys/);
  });

  it("a commit changed after signing (same gpgsig, other message) fails as a bad signature", async () => {
    signedCommit(server.root, "signed", { "README.md": "genuine\n" }, { ssh: release }, { message: "genuine" });
    const ok = await sync(source("keys", "release"), good, [keys.release]);
    expect(ok.results[0].signer?.name).toBe("release");
    const forged = tamperHead(server.root, "signed", "forged: looks the same, says otherwise");
    const run = await sync(source("keys", "release"), good, [keys.release]);
    expect(run.results[0].revision).toBe(forged);
    expectFailedKeepingLastGood(run, good, /commit \w{12} has a bad signature by release \(SHA256:\S+\): the content does not match what was signed/);
  });

  it("a commit signed with gpg by an allowed OpenPGP key is synced", async () => {
    const sha = signedCommit(server.root, "signed", { "README.md": "gpg\n" }, { gpg: pgp });
    const run = await sync(source("any"), good, [keys.release, keys.pgp]);
    expect(run.results[0]).toMatchObject({ status: "succeeded", revision: sha, signer: { name: "pgp-bot", fingerprint: pgp.fingerprint } });
    // Named keys only: the OpenPGP key is allowed but not named by this source.
    const named = await sync(source("keys", "release"), good, [keys.release, keys.pgp]);
    expectFailedKeepingLastGood(named, good, /is signed by OpenPGP key [0-9A-F]{16}, which is not in the allowed keys/);
  });

  it("an annotated tag: the tag's signature is what counts", async () => {
    const sha = signedCommit(server.root, "signed", { "README.md": "tagged\n" }, { ssh: release }, { tag: "v2.0.0", unsignedCommit: true });
    const tagged = await sync(source("keys", "release", "v2.0.0"), good, [keys.release]);
    expect(tagged.results[0]).toMatchObject({ status: "succeeded", revision: sha, signer: { name: "release" } });
    expect(tagged.lines).toContainEqual(expect.stringMatching(/is signed by release/));
    // The branch names the (unsigned) commit itself.
    const branch = await sync(source("keys", "release"), good, [keys.release]);
    expectFailedKeepingLastGood(branch, good, /commit \w{12} is not signed/);
    // A tag signed by a stranger.
    signedCommit(server.root, "signed", { "README.md": "tagged by a stranger\n" }, { ssh: stranger }, { tag: "v3.0.0", unsignedCommit: true });
    const strange = await sync(source("any", "", "v3.0.0"), good, [keys.release]);
    expectFailedKeepingLastGood(strange, good, /tag v3\.0\.0 \(\w{12}\) is signed by SSH key SHA256:\S+, which is not in the allowed keys/);
  });
});
