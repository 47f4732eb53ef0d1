import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as keysApi from "@/app/api/signing-keys/route";
import * as keyApi from "@/app/api/signing-keys/[id]/route";
import * as sourcesApi from "@/app/api/sources/route";
import * as runApi from "@/app/api/sync/runs/[id]/route";
import { startGitServer, type GitServer } from "@/lib/plugins/__fixtures__/git-server";
import { gpgKey, keyDir, signedCommit, sshKey, type GpgTestKey, type SshTestKey } from "@/lib/plugins/__fixtures__/signing-keys";
import { previewSource } from "@/lib/server/sync/preview-source";
import { startSync } from "@/lib/server/sync/start-sync";
import { sourceInputSchema } from "@/lib/validations/source";
import { jsonRequest, routeCtx, signInAs, signOut } from "@/lib/test/auth";
import { testCookies } from "@/lib/test/request";
import { createTestDatabase } from "@/lib/test/database";
import { readTree } from "@/lib/test/read-tree";
import en from "@/messages/en.json";

/**
 * The signing-key allow-list through its REST API (admin only, same origin, field errors from the server's key
 * checks) and a git source with a signature policy synced by the server: the signer in the run's source result,
 * then the key removed → the source fails with the reason and the active generation keeps the last good copy.
 */
type Handler = (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>;
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;
let ssh: SshTestKey;
let pgp: GpgTestKey;

async function call<T = Record<string, unknown>>(handler: Handler, method: string, body?: unknown, params: Record<string, string> = {}) {
  const res = await handler(jsonRequest(method, "/api/signing-keys", body), routeCtx(params));
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-signing-db-"));
  process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = "1";
  dir = keyDir();
  ssh = sshKey(dir, "release");
  pgp = gpgKey("Release Bot <bot@test.invalid>");
}, 60_000);
afterAll(async () => {
  delete process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pgp.home, { recursive: true, force: true });
  await database.close();
});

describe("the signing-key allow-list API", () => {
  it("adds an SSH and an OpenPGP key with the fingerprints ssh-keygen and gpg show, audited", async () => {
    await signInAs("admin");
    const a = await call(keysApi.POST, "POST", { name: "release", publicKey: `  ${ssh.publicKey}\n` });
    expect(a.status).toBe(201);
    const sshFp = execFileSync("ssh-keygen", ["-lf", `${ssh.path}.pub`]).toString().split(" ")[1];
    expect(a.body).toMatchObject({ name: "release", kind: "ssh", fingerprint: sshFp, algorithm: "ssh-ed25519", publicKey: ssh.publicKey });
    const b = await call(keysApi.POST, "POST", { name: "pgp-bot", publicKey: pgp.publicKey });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ kind: "openpgp", fingerprint: pgp.fingerprint, userIds: ["Release Bot <bot@test.invalid>"], expiresAt: null });
    const list = await call<{ name: string }[]>(keysApi.GET, "GET");
    expect(list.body.map((k) => k.name)).toEqual(["pgp-bot", "release"]);
    const audit = await database.prisma.auditEvent.findMany({ where: { targetType: "signing_key" } });
    expect(audit.map((e) => [e.action, e.targetName])).toEqual([["signing_key.create", "release"], ["signing_key.create", "pgp-bot"]]);
  });

  it.each([
    ["garbage", { name: "junk", publicKey: "not a key at all" }, { publicKey: en.errors.signingKeyUnparseable }],
    ["a private key", { name: "junk", publicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----" }, { publicKey: en.errors.signingKeyPrivate }],
    ["a DSA key", { name: "junk", publicKey: "ssh-dss AAAAB3NzaC1kc3MAAAA=" }, { publicKey: en.errors.signingKeyUnsupported }],
    ["a huge key", { name: "junk", publicKey: `ssh-ed25519 ${"A".repeat(20_000)}` }, { publicKey: en.validation.too_long.replace("{max}", "16384") }],
    ["a bad name", { name: "no spaces", publicKey: "x" }, { name: en.validation.signing_key_name_format }],
    ["an empty key", { name: "empty", publicKey: "   " }, { publicKey: en.validation.required }],
    ["the same name in another case", { name: "RELEASE", publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJnNoCguS/8u4qD2kl7HQmv3Rgj4HlmoFUJcgns8PPj7" }, { name: en.errors.signingKeyNameTaken.replace("{name}", "release") }],
  ])("refuses %s with a field error and stores nothing", async (_what, body, fieldErrors) => {
    await signInAs("admin");
    const before = await database.prisma.signingKey.count();
    const res = await call(keysApi.POST, "POST", body);
    expect(res.status).toBe(422);
    expect(res.body.fieldErrors).toEqual(fieldErrors);
    expect(await database.prisma.signingKey.count()).toBe(before);
  });

  it("refuses a key already listed under another name, naming it", async () => {
    await signInAs("admin");
    const res = await call(keysApi.POST, "POST", { name: "again", publicKey: ssh.publicKey.replace(/\S+$/, "other-comment") });
    expect(res.status).toBe(422);
    expect(res.body.fieldErrors).toEqual({ publicKey: en.errors.signingKeyDuplicate.replace("{name}", "release") });
  });

  it("is admin-only and same-origin only", async () => {
    const id = (await database.prisma.signingKey.findFirstOrThrow()).id;
    await signInAs("member");
    expect((await call(keysApi.GET, "GET")).status).toBe(403);
    expect((await call(keysApi.POST, "POST", { name: "m", publicKey: ssh.publicKey })).status).toBe(403);
    expect((await call(keyApi.DELETE, "DELETE", undefined, { id })).status).toBe(403);
    signOut();
    expect((await call(keysApi.GET, "GET")).status).toBe(401);
    await signInAs("admin");
    const before = await database.prisma.signingKey.count();
    const forged = await keysApi.POST(
      new Request("http://localhost/api/signing-keys", {
        method: "POST",
        headers: { cookie: testCookies.header(), host: "localhost", origin: "http://evil.example", "sec-fetch-site": "cross-site", "content-type": "application/json" },
        body: JSON.stringify({ name: "evil", publicKey: ssh.publicKey }),
      }),
      routeCtx(),
    );
    expect(forged.status).toBe(403);
    expect(await forged.json()).toEqual({ error: en.errors.crossOrigin });
    expect(await database.prisma.signingKey.count()).toBe(before);
  });
});

describe("a git source with a signature policy, synced by the server", () => {
  let server: GitServer;
  beforeAll(async () => {
    server = await startGitServer();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it("records the signer, then fails with the reason once the key is removed, keeping the last good copy", async () => {
    const url = (await server.createRepo("plugins", readTree(path.resolve("examples/plugins")))).url;
    const sha = signedCommit(server.root, "plugins", { "README.md": "signed\n" }, { ssh });
    await signInAs("admin");
    const created = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { name: "signed", kind: "git", url, ref: "main", signature: "keys", signingKeys: " release , release", pluginSets: [SET] }), routeCtx());
    expect(created.status).toBe(201);
    expect((await created.json()).settings).toMatchObject({ signature: "keys", signingKeys: "release" });
    const missing = await sourcesApi.POST(jsonRequest("POST", "/api/sources", { name: "nokeys", kind: "git", url, ref: "main", signature: "keys", pluginSets: [SET] }), routeCtx());
    expect(missing.status).toBe(422);
    expect((await missing.json()).fieldErrors).toEqual({ signingKeys: en.validation.required });

    // Preview applies the same policy to the form's values.
    const input = sourceInputSchema({ allowHttp: true }).parse({ name: "signed", kind: "git", url, ref: "main", signature: "any", pluginSets: [SET] });
    expect((await previewSource(input)).problems).toEqual([]);
    expect((await previewSource({ ...input, signature: "keys", signingKeys: "someone-else" } as typeof input)).problems).toEqual([
      { set: "*", error: expect.stringMatching(/^signature check failed: commit \w{12}: no signing key is allowed for this source \(named by the source but not in the allow-list: someone-else\)$/) },
    ]);

    const first = await startSync({ trigger: "admin", actor: "test", activate: true });
    expect((await first.done)?.status).toBe("succeeded");
    const run1 = await call<{ results: { revision: string; signer: unknown }[] }>(runApi.GET as Handler, "GET", undefined, { id: first.runId });
    const fp = execFileSync("ssh-keygen", ["-lf", `${ssh.path}.pub`]).toString().split(" ")[1];
    expect(run1.body.results[0]).toMatchObject({ revision: sha, signer: { name: "release", fingerprint: fp } });

    const id = (await database.prisma.signingKey.findUniqueOrThrow({ where: { name: "release" } })).id;
    expect((await call(keyApi.DELETE, "DELETE", undefined, { id })).status).toBe(200);
    const second = await startSync({ trigger: "admin", actor: "test", activate: true });
    const outcome = await second.done;
    expect(outcome?.status).toBe("failed");
    const run2 = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: second.runId }, include: { results: true, logs: true } });
    expect(run2.results[0]).toMatchObject({ status: "failed", signer: null, error: expect.stringContaining("not in the allow-list: release") });
    expect(run2.logs.filter((l) => l.level === "error").map((l) => l.message)).toEqual([expect.stringMatching(/^source failed: signature check failed: commit \w{12}: no signing key is allowed/)]);
    // No new generation: the one with the verified copy stays active.
    const active = await database.prisma.generation.findFirstOrThrow({ where: { status: "active" } });
    expect(active.id).toBe(outcome?.generation ?? active.id);
    expect(await database.prisma.generation.count({ where: { status: "active" } })).toBe(1);
    const activeRun = await database.prisma.syncRun.findFirstOrThrow({ where: { generationId: active.id } });
    expect(activeRun.id).toBe(first.runId);
  }, 120_000);
});
