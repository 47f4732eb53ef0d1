import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { previewSourceAction } from "@/app/(admin)/sources/actions";
import * as sourceApi from "@/app/api/sources/[id]/route";
import * as sourcesApi from "@/app/api/sources/route";
import { exportSourcesFile } from "@/lib/server/sources-file/export-sources-file";
import { reconcileSourcesFile } from "@/lib/server/sources-file/reconcile-sources-file";
import { startSync } from "@/lib/server/sync/start-sync";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { startArchiveServer, tarGz, type ArchiveServer } from "./__fixtures__/archive-server";

/** The http kind end to end: the API's validation and write-only secrets, Preview, sync, the 304 resync, a pinned
 * digest that no longer matches, the sources file and its export. */

const EXAMPLES = path.resolve("examples/plugins/custom_plugins");
const examplePackage = () =>
  Object.fromEntries(
    fs
      .readdirSync(EXAMPLES, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => {
        const abs = path.join(d.parentPath, d.name);
        return [`plugins-1.0/custom_plugins/${path.relative(EXAMPLES, abs)}`, fs.readFileSync(abs, "utf8")];
      }),
  );
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: "custom_plugins.collections.test1, custom_plugins/collections/greet.mjs" };
const TOKEN = "http-archive-token-0123456789";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let server: ArchiveServer;
let archive: Buffer;
const saved = process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE;

beforeAll(async () => {
  process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = "1";
  // One data dir for the file: its development APP_SECRET seals the stored token.
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-http-source-"));
  database = await createTestDatabase();
  server = await startArchiveServer();
  archive = tarGz(examplePackage());
  server.offer("/plugins-1.0.tar.gz", { body: archive, authorization: `Bearer ${TOKEN}` });
});
afterAll(async () => {
  await server.close();
  await database.close();
  if (saved === undefined) delete process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE;
  else process.env.EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE = saved;
});
beforeEach(async () => {
  await signInAs("admin");
});

const source = (over: Record<string, unknown> = {}) => ({
  name: "artifacts",
  kind: "http",
  url: `${server.url}/plugins-1.0.tar.gz`,
  auth: "bearer",
  token: TOKEN,
  strip: "1",
  pluginSets: [SET],
  ...over,
});

async function sync() {
  const { runId, done } = await startSync({ trigger: "api", actor: "test", activate: true });
  await done;
  return database.prisma.syncSourceResult.findFirstOrThrow({ where: { runId, sourceName: "artifacts" } });
}

describe("http archive sources end to end", () => {
  it("the API checks the kind's rules with field errors and keeps secrets write-only", async () => {
    const bad = await sourcesApi.POST(jsonRequest("POST", "/api/sources", source({ name: "bad", auth: "basic", sha256: "abc", token: undefined })), routeCtx());
    expect(bad.status).toBe(422);
    expect(Object.keys((await bad.json()).fieldErrors).sort()).toEqual(["sha256", "username"]);
    const noToken = await sourcesApi.POST(jsonRequest("POST", "/api/sources", source({ name: "no-token", token: undefined })), routeCtx());
    expect(await noToken.json()).toMatchObject({ fieldErrors: { token: expect.any(String) } });

    const res = await sourcesApi.POST(jsonRequest("POST", "/api/sources", source()), routeCtx());
    expect(res.status).toBe(201);
    const view = await res.json();
    expect(view).toMatchObject({ kind: "http", secretSet: true, settings: { url: `${server.url}/plugins-1.0.tar.gz`, auth: "bearer", strip: "1", sha256: "" } });
    expect(JSON.stringify(view)).not.toContain(TOKEN);
    const read = await sourceApi.GET(jsonRequest("GET", `/api/sources/${view.id}`), routeCtx({ id: view.id }));
    expect(JSON.stringify(await read.json())).not.toContain(TOKEN);
  });

  it("Preview of the unsaved form lists its plugins (a blank token on a saved source uses the stored one)", async () => {
    const unsaved = await previewSourceAction(null, source({ name: "unsaved" }));
    expect(unsaved.ok && unsaved.data.plugins.map((p) => p.code).sort()).toEqual(["cus_greet", "cus_sum", "cus_test_1"]);
    const saved = await database.prisma.pluginSource.findUniqueOrThrow({ where: { name: "artifacts" } });
    const blank = await previewSourceAction(saved.id, source({ token: "" }));
    expect(blank.ok).toBe(true);
  });

  it("syncs; a resync asks with If-None-Match, gets 304 and reuses the set without downloading", async () => {
    const first = await sync();
    expect(first).toMatchObject({ status: "succeeded", revision: expect.stringMatching(/^etag:/) });
    const generation = await database.prisma.generation.findFirstOrThrow({ where: { status: "active" } });
    expect(generation.plugins).toBe(3);
    const before = server.requests.length;
    const second = await sync();
    expect(second).toMatchObject({ status: "reused", revision: first.revision });
    expect(server.requests.slice(before)).toEqual([expect.objectContaining({ status: 304, ifNoneMatch: first.revision!.slice(5) })]);
  });

  it("a pinned sha256 the archive no longer matches fails the source and keeps the last good copy", async () => {
    const row = await database.prisma.pluginSource.findUniqueOrThrow({ where: { name: "artifacts" } });
    const pin = createHash("sha256").update(archive).digest("hex");
    const put = (sha256: string) => sourceApi.PUT(jsonRequest("PUT", `/api/sources/${row.id}`, source({ token: "", sha256 })), routeCtx({ id: row.id }));
    expect((await put(pin)).status).toBe(200);
    expect(await sync()).toMatchObject({ status: "succeeded", revision: `sha256:${pin}` });
    // The server now serves another archive under the same URL (a re-tagged release).
    server.offer("/plugins-1.0.tar.gz", { body: tarGz({ ...examplePackage(), "plugins-1.0/custom_plugins/extra.txt": "x" }), authorization: `Bearer ${TOKEN}` });
    expect((await put(pin.replace(/^./, (c) => (c === "0" ? "1" : "0")))).status).toBe(200); // another pin: refetch
    const failed = await sync();
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/sha256 is [0-9a-f]{64}, not the pinned/) });
    const active = await database.prisma.generation.findFirstOrThrow({ where: { status: "active" } });
    expect(active.plugins).toBe(3); // carried over
  });

  it("the sources file declares one (token from the environment), and the export writes a placeholder for it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-http-file-"));
    const file = path.join(dir, "sources.json");
    fs.writeFileSync(file, JSON.stringify({ sources: [{ ...source({ name: "from-file", token: { env: "ARTIFACTS_TOKEN" } }), pluginSets: [SET] }] }));
    process.env.ARTIFACTS_TOKEN = TOKEN;
    try {
      expect(await reconcileSourcesFile(file)).toMatchObject({ created: ["from-file"] });
    } finally {
      delete process.env.ARTIFACTS_TOKEN;
    }
    const exported = await exportSourcesFile("json");
    const entry = exported.document.sources.find((s) => s.name === "artifacts")!;
    expect(entry).toMatchObject({ kind: "http", url: `${server.url}/plugins-1.0.tar.gz`, auth: "bearer", strip: "1", token: { env: "OPSFLOW_ARTIFACTS_TOKEN" } });
    expect(exported.text).not.toContain(TOKEN);
    expect(exported.variables).toContainEqual(expect.objectContaining({ env: "OPSFLOW_ARTIFACTS_TOKEN" }));
  });
});
