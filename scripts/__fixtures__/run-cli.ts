import { execFile } from "node:child_process";

/** Each CLI with arguments that would otherwise work (or at least get past the start-up checks). */
export function cliCommands(sourcesFile: string): [string, string[]][] {
  return [
    ["release", ["scripts/release.ts"]],
    ["plugins:sync", ["scripts/plugins-sync.ts", "--dry-run"]],
    ["plugins:sources export", ["scripts/plugins-sources.ts", "export"]],
    ["plugins:sources validate", ["scripts/plugins-sources.ts", "validate", sourcesFile]],
    ["plugins:sources apply", ["scripts/plugins-sources.ts", "apply", sourcesFile]],
  ];
}

/**
 * Runs a TypeScript entry point as `npm run …` does (`node --conditions=react-server --import tsx`), with an
 * unreachable PostgreSQL: one that got past its start-up checks would fail differently (and slowly) on it.
 */
export function runCli(args: string[], dataDir: string, env: Record<string, string | undefined>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", ...args],
      { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
