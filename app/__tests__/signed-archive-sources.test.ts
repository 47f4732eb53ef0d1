import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as keysApi from "@/app/api/signing-keys/route";
import * as sourcesApi from "@/app/api/sources/route";
import * as runApi from "@/app/api/sync/runs/[id]/route";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { keyDir, sshKey, sshSign, type SshTestKey } from "@/lib/plugins/__fixtures__/signing-keys";
import { startArchiveServer, tarGz, type ArchiveServer } from "@/lib/plugins/sources/http/__fixtures__/archive-server";
import { exportSourcesFile } from "@/lib/server/sources-file/export-sources-file";
import { previewSource } from "@/lib/server/sync/preview-source";
import { startSync } from "@/lib/server/sync/start-sync";
import { sourceInputSchema } from "@/lib/validations/source";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import en from "@/messages/en.json";

/**
 * http and s3 sources with a signature policy or a pinned sha256 through the REST API (the same field rules as
 * git), Preview, a sync by the server (the signer in the run's source result) and the sources-file export.
 */
type Handler = (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>;
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] };
const EXAMPLES = path.resolve("examples/plugins/custom_plugins");
const files = Object.fromEntries(
  fs
    .readdirSync(EXAMPLES, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => [`custom_plugins/${path.relative(EXAMPLES, path.join(d.parentPath, d.name))}`, fs.readFileSync(path.join(d.parentPath, d.name), "utf8")]),
);
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const sums = Object.keys(files)
  .sort()
  .map((rel) => `${sha256(files[rel])}  ${rel}\n`)
  .join("");

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;
let ssh: SshTestKey;
let archives: ArchiveServer;
let s3: S3Server;
let fp: string;

const post = (body: Record<string, unknown>) => sourcesApi.POST(jsonRequest("POST", "/api/sources", body), routeCtx());

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-signed-archive-db-"));
  process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = "1";
  dir = keyDir();
  ssh = sshKey(dir, "release");
  fp = execFileSync("ssh-keygen", ["-lf", `${ssh.path}.pub`]).toString().split(" ")[1];
  archives = await startArchiveServer();
  const archive = tarGz(files);
  archives.offer("/plugins.tar.gz", { body: archive });
  archives.offer("/plugins.tar.gz.sig", { body: Buffer.from(sshSign(ssh, archive, "file")) });
  s3 = await startS3Server();
  await s3.bucket("signed");
  for (const [rel, body] of Object.entries(files)) await s3.put("signed", `r1/${rel}`, body);
  await s3.put("signed", "r1/SHA256SUMS", sums);
  await s3.put("signed", "r1/SHA256SUMS.sig", sshSign(ssh, sums, "file"));
}, 60_000);
afterAll(async () => {
  delete process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE;
  fs.rmSync(dir, { recursive: true, force: true });
  await archives?.close();
  await s3?.close();
  await database.close();
});

describe("http and s3 sources with a signature policy", () => {
  const http = () => ({ name: "signed-http", kind: "http", url: `${archives.url}/plugins.tar.gz`, auth: "none", strip: "0", signature: "keys", signingKeys: "release, release ", pluginSets: [SET] });
  const s3Source = () => ({ name: "signed-s3", kind: "s3", endpoint: s3.endpoint, region: s3.region, bucket: "signed", prefix: "r1", accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, pathStyle: true, signature: "any", pluginSets: [SET] });

  it("refuses bad policy fields with field errors, for both kinds", async () => {
    await signInAs("admin");
    const noNames = await post({ ...http(), signingKeys: "" });
    expect(noNames.status).toBe(422);
    expect((await noNames.json()).fieldErrors).toEqual({ signingKeys: en.validation.required });
    const s3Bad = await post({ ...s3Source(), signature: "keys", signingKeys: "no spaces allowed", sha256: "xyz" });
    expect(s3Bad.status).toBe(422);
    expect((await s3Bad.json()).fieldErrors).toEqual({ signingKeys: en.validation.signing_keys_format, sha256: en.validation.digest_format });
    const badChoice = await post({ ...s3Source(), signature: "maybe" });
    expect((await badChoice.json()).fieldErrors).toEqual({ signature: en.validation.invalid_choice });
    expect(await database.prisma.pluginSource.count()).toBe(0);
  });

  it("Preview, sync and the run's results carry the signer; the sources file keeps the policy", async () => {
    await signInAs("admin");
    const key = await keysApi.POST(jsonRequest("POST", "/api/signing-keys", { name: "release", publicKey: ssh.publicKey }), routeCtx());
    expect(key.status).toBe(201);
    const created = await post(http());
    expect(created.status).toBe(201);
    expect((await created.json()).settings).toMatchObject({ signature: "keys", signingKeys: "release" });

    const input = sourceInputSchema({ allowHttp: true }).parse(s3Source());
    expect((await previewSource(input)).problems).toEqual([]);
    expect((await previewSource({ ...input, signature: "keys", signingKeys: "someone-else" } as typeof input)).problems).toEqual([
      { set: "*", error: expect.stringMatching(/^signature check failed: s3:\/\/signed\/r1\/SHA256SUMS: no signing key is allowed for this source \(named by the source but not in the allow-list: someone-else\)$/) },
    ]);

    // One source at a time (both offer the same plugins): http, then s3 with http disabled.
    const results = async () => {
      const run = await startSync({ trigger: "admin", actor: "test", activate: true });
      expect((await run.done)?.status).toBe("succeeded");
      const res = await (runApi.GET as Handler)(jsonRequest("GET", `/api/sync/runs/${run.runId}`), routeCtx({ id: run.runId }));
      return ((await res.json()) as { results: { source: string; status: string; signer: unknown }[] }).results;
    };
    expect(await results()).toEqual([expect.objectContaining({ status: "succeeded", signer: { name: "release", fingerprint: fp } })]);
    await database.prisma.pluginSource.update({ where: { name: "signed-http" }, data: { enabled: false } });
    expect((await post({ ...s3Source(), sha256: sha256(sums).toUpperCase() })).status).toBe(201);
    expect(await results()).toEqual([expect.objectContaining({ status: "succeeded", signer: { name: "release", fingerprint: fp } })]);

    const exported = await exportSourcesFile("json");
    const byName = Object.fromEntries(exported.document.sources.map((s) => [s.name, s]));
    expect(byName["signed-http"]).toMatchObject({ kind: "http", signature: "keys", signingKeys: "release" });
    expect(byName["signed-s3"]).toMatchObject({ kind: "s3", signature: "any", sha256: sha256(sums) });
    expect(byName["signed-s3"]).not.toHaveProperty("signingKeys");
  }, 120_000);
});
