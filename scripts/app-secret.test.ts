import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliCommands, runCli } from "./__fixtures__/run-cli";

/**
 * Every CLI refuses to run with an unusable APP_SECRET: exit non-zero with one line on stderr naming the variable,
 * before touching a database. (The production server's start is checked in e2e/startup.spec.ts: it needs a build.)
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-secret-cli-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const sourcesFile = path.join(dataDir, "sources.yaml");
fs.writeFileSync(sourcesFile, "sources: []\n");

const CLIS = cliCommands(sourcesFile);
const run = (args: string[], env: Record<string, string | undefined>) => runCli(args, dataDir, env);

describe("CLIs with an unusable APP_SECRET", () => {
  const cases: [string, Record<string, string | undefined>, RegExp][] = [
    ["too short", { NODE_ENV: "development", APP_SECRET: "short-secret" }, /APP_SECRET must be at least 32 characters/],
    ["missing in production", { NODE_ENV: "production", APP_SECRET: "" }, /APP_SECRET is required in production/],
  ];
  for (const [label, env, message] of cases) {
    it(`${label}: every CLI exits non-zero with one line`, async () => {
      const results = await Promise.all(CLIS.map(([, args]) => run(args, env)));
      for (const [i, result] of results.entries()) {
        const name = CLIS[i][0];
        expect(result.code, name).not.toBe(0);
        const lines = result.stderr.trim().split("\n");
        expect(lines, `${name}: ${result.stderr}`).toHaveLength(1);
        expect(lines[0], name).toMatch(message);
      }
    }, 120_000);
  }

  it("the check does not refuse a good secret (validate runs and succeeds)", async () => {
    const result = await run(["scripts/plugins-sources.ts", "validate", sourcesFile], { NODE_ENV: "production", APP_SECRET: "x".repeat(32) });
    expect(result).toMatchObject({ code: 0, stdout: `${sourcesFile}: valid (0 sources, no cache)\n` });
  }, 60_000);
});
