import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Every CLI refuses to run with an unusable APP_SECRET: exit non-zero with one line on stderr naming the variable,
 * before touching a database. (The production server's start is checked in e2e/startup.spec.ts: it needs a build.)
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-secret-cli-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const sourcesFile = path.join(dataDir, "sources.yaml");
fs.writeFileSync(sourcesFile, "sources: []\n");

/** Each CLI with arguments that would otherwise work (or at least get past the secret check). */
const CLIS: [string, string[]][] = [
  ["release", ["scripts/release.ts"]],
  ["plugins:sync", ["scripts/plugins-sync.ts", "--dry-run"]],
  ["plugins:sources export", ["scripts/plugins-sources.ts", "export"]],
  ["plugins:sources validate", ["scripts/plugins-sources.ts", "validate", sourcesFile]],
  ["plugins:sources apply", ["scripts/plugins-sources.ts", "apply", sourcesFile]],
];

function run(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", ...args],
      // An unreachable PostgreSQL: a CLI that got past the check would fail differently (and slowly) on it.
      { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

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
