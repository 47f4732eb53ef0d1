import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliCommands, runCli } from "./__fixtures__/run-cli";

/**
 * An unusable environment variable stops the server's start and every CLI alike: exit non-zero, one line on stderr
 * naming the variable, before a database is touched. (A LOG_LEVEL typo used to crash the CLIs with a stack trace
 * while the server only warned.)
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-env-cli-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const sourcesFile = path.join(dataDir, "sources.yaml");
fs.writeFileSync(sourcesFile, "sources: []\n");

const ENTRY_POINTS: [string, string[]][] = [["server start", ["lib/server/__fixtures__/start-server.ts"]], ...cliCommands(sourcesFile)];

describe("an unusable environment variable", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent \(got "verbose"\)$/],
    [{ SYNC_LEASE_TTL_MS: "1m" }, /SYNC_LEASE_TTL_MS: must be a whole number from 1000 to 3600000 \(got "1m"\)$/],
  ];
  for (const [vars, message] of cases) {
    it(`${JSON.stringify(vars)}: the server start and every CLI exit non-zero with one line naming it`, async () => {
      // VITEST unset: the server logs as it does outside the tests (under vitest its log is silent).
      const env = { NODE_ENV: "production", APP_SECRET: "x".repeat(32), LOG_FORMAT: "json", VITEST: "", ...vars };
      const results = await Promise.all(ENTRY_POINTS.map(([, args]) => runCli(args, dataDir, env)));
      for (const [i, result] of results.entries()) {
        const name = ENTRY_POINTS[i][0];
        expect(result.code, name).not.toBe(0);
        const lines = result.stderr.trim().split("\n");
        expect(lines, `${name}: ${result.stderr}`).toHaveLength(1);
        // The server logs it as a JSON line (LOG_FORMAT=json); the CLIs print it.
        const line = name === "server start" ? (JSON.parse(lines[0]) as { message: string }).message : lines[0];
        expect(line, name).toMatch(message);
        expect(line, name).toMatch(name === "server start" ? /^cannot start: / : /^(release failed|plugins:sync|plugins:sources): /);
      }
    }, 120_000);
  }
});
