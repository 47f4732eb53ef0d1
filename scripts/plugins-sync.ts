/**
 * npm run plugins:sync -- [--source NAME]... [--dry-run] [--json] [--activate|--no-activate]
 * Syncs every enabled plugin source into a new cache generation. Exit codes: scripts/exit-codes.ts (0 all
 * succeeded, 1 any failed, 2 usage or configuration, 75 another sync is running), with one clear line on stderr.
 */
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "../lib/db";
import { checkEnv, env } from "../lib/env";
import { firstLine } from "../lib/errors";
import { logger } from "../lib/log";
import { checkAppSecret } from "../lib/secrets";
import { findRunError } from "../lib/server/sync/find-sync-runs";
import { SyncBusyError, startSync } from "../lib/server/sync/start-sync";
import { EXIT } from "./exit-codes";

const USAGE = "usage: npm run plugins:sync -- [--source NAME]... [--dry-run] [--json] [--activate|--no-activate]";

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        source: { type: "string", multiple: true },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        activate: { type: "boolean", default: true },
        "no-activate": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  const json = args.json;
  const print = (line: string) => {
    if (!json) console.log(line);
  };
  try {
    checkEnv(); // an unusable variable (LOG_LEVEL=verbose, SYNC_LEASE_TTL_MS=abc): one line, exit 2
    // The CLI prints its own progress; the structured log only carries warnings unless LOG_LEVEL says otherwise.
    logger.level = env.logLevel() ?? "warn";
    checkAppSecret();
    await getDatabase();
  } catch (err) {
    console.error(`plugins:sync: ${firstLine(err)}`);
    return EXIT.usage;
  }
  let started;
  try {
    started = await startSync({
      trigger: "cli",
      actor: `cli:${env.user()}`,
      only: args.source,
      dryRun: args["dry-run"],
      activate: args.activate && !args["no-activate"],
      onLog: (level, line, source) => print(`${level === "error" ? "✗" : level === "warn" ? "!" : "·"} ${source ? `${source}: ` : ""}${line}`),
    });
  } catch (err) {
    if (err instanceof SyncBusyError) {
      console.error(`plugins:sync: ${err.line}`);
      return EXIT.busy;
    }
    console.error(`plugins:sync: ${firstLine(err)}`);
    return EXIT.usage;
  }
  const outcome = await started.done;
  if (!outcome) {
    console.error(`plugins:sync: run ${started.runId} failed: ${(await findRunError(started.runId)) ?? "see the log above or the run in the admin UI"}`);
    return EXIT.failed;
  }
  if (json) {
    console.log(JSON.stringify({ runId: started.runId, status: outcome.runStatus, generation: outcome.generation, sources: outcome.results }, null, 2));
  } else {
    const rows = outcome.results.map((r) => [r.name, r.kind, r.status, (r.revision ?? "—").slice(0, 12), `${r.sets.reduce((n, s) => n + s.plugins, 0)}`, `${r.durationMs} ms`, r.error ?? r.sets.find((s) => s.error)?.error ?? ""]);
    const head = ["source", "kind", "status", "revision", "plugins", "time", "error"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
    print("");
    print(fmt(head));
    for (const r of rows) print(fmt(r));
    const made = outcome.generation ? `, generation ${outcome.generation}` : " (no new generation)";
    print(`\nrun ${started.runId}: ${outcome.runStatus}${args["dry-run"] ? " (dry run, nothing written)" : made}`);
  }
  return outcome.status === "succeeded" ? EXIT.ok : EXIT.failed;
}

/** Closes the database, saying so when that fails (the exit code stays the command's). */
const close = () => closeDatabase().catch((err: unknown) => console.error(`plugins:sync: closing the database failed: ${firstLine(err)}`));

main(process.argv.slice(2))
  .catch((err: unknown) => {
    console.error(`plugins:sync: ${firstLine(err)}`);
    return EXIT.failed;
  })
  .then(async (code) => {
    await close();
    process.exit(code);
  });
