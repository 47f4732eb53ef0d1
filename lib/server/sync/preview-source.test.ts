import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "@/lib/plugins/__fixtures__/git-server";
import { makeTestTls } from "@/lib/plugins/__fixtures__/tls";
import { createTestDatabase } from "@/lib/test/database";
import { sourceInputSchema } from "@/lib/validations/source";
import { previewSource } from "./preview-source";

/**
 * Preview builds its options as the sync does (sync-options.ts): a remote behind a private CA that the sync
 * reaches with SYNC_CA_FILE is reached by Preview too. Against a real git server over https with a test CA.
 */

const EXAMPLES = path.resolve("examples/plugins");
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let git: GitServer;
let url: string;
let caFile: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const tls = makeTestTls();
  caFile = path.join(process.env.DATA_DIR!, "private-ca.pem");
  fs.writeFileSync(caFile, tls.ca);
  git = await startGitServer({ https: { key: tls.key, cert: tls.cert } });
  const files = Object.fromEntries(
    (fs.readdirSync(path.join(EXAMPLES, "custom_plugins"), { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(EXAMPLES, "custom_plugins", f)).isFile())
      .map((f) => [`custom_plugins/${f}`, fs.readFileSync(path.join(EXAMPLES, "custom_plugins", f), "utf8")]),
  );
  url = (await git.createRepo("private", files)).url;
});
afterAll(async () => {
  delete process.env.SYNC_CA_FILE;
  await git?.close();
  await database?.close();
});

const input = () =>
  sourceInputSchema({ allowHttp: false }).parse({
    name: "private",
    kind: "git",
    url,
    ref: "main",
    pluginSets: [{ submodule: "custom_plugins", version: "1.0.0", importModules: "custom_plugins.collections.test1, custom_plugins/collections/greet.mjs" }],
  });

describe("Preview of an https git remote with a private CA", () => {
  it("without SYNC_CA_FILE: the certificate is refused, as the sync would refuse it", async () => {
    delete process.env.SYNC_CA_FILE;
    const preview = await previewSource(input());
    expect(preview.plugins).toEqual([]);
    expect(preview.problems).toEqual([{ set: "*", error: expect.stringMatching(/certificate|UNABLE_TO_VERIFY|self.signed/i) }]);
  });

  it("with SYNC_CA_FILE: fetched and described like the sync does", async () => {
    process.env.SYNC_CA_FILE = caFile;
    const preview = await previewSource(input());
    expect(preview.problems).toEqual([]);
    expect(preview.revision).toMatch(/^[0-9a-f]{40}$/);
    expect(preview.plugins.map((p) => [p.code, p.change])).toEqual(expect.arrayContaining([["cus_test_1", "added"], ["cus_greet", "added"]]));
  });
});
