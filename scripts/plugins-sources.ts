/**
 * Sources as code (PLUGIN_SOURCES_FILE):
 *   npm run plugins:sources -- export [--json|--yaml]        print the UI-managed sources (and cache) in the file format;
 *                                                           secrets become environment reference placeholders
 *   npm run plugins:sources -- validate FILE                 check a file (schemas + environment references), no database
 *   npm run plugins:sources -- apply [FILE] [--dry-run] [--adopt]
 *                                                           reconcile now (default: $PLUGIN_SOURCES_FILE)
 * Exit 0 = done / valid, 1 = invalid file or not applicable (every error on its own line on stderr), 2 = usage or
 * configuration error (one line).
 */
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "../lib/db";
import { checkEnv, env } from "../lib/env";
import { firstLine } from "../lib/errors";
import { checkAppSecret } from "../lib/secrets";
import { exportSourcesFile } from "../lib/server/sources-file/export-sources-file";
import { loadSourcesFile } from "../lib/server/sources-file/load-sources-file";
import { describeSummary, reconcileSourcesFile, SourcesFileError } from "../lib/server/sources-file/reconcile-sources-file";

const USAGE = [
  "usage: npm run plugins:sources -- export [--json|--yaml]",
  "       npm run plugins:sources -- validate FILE",
  "       npm run plugins:sources -- apply [FILE] [--dry-run] [--adopt]   (FILE defaults to $PLUGIN_SOURCES_FILE)",
].join("\n");

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        json: { type: "boolean", default: false },
        yaml: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        adopt: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: args, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  checkEnv(); // an unusable variable (LOG_LEVEL=verbose): one line, exit 2
  checkAppSecret(); // a missing (production) or short APP_SECRET: one line, exit 2
  const only = (allowed: string[]) => {
    const extra = (["json", "yaml", "dry-run", "adopt"] as const).filter((o) => args[o] && !allowed.includes(o));
    if (extra.length) throw new UsageError(`--${extra[0]} does not apply to "${command}"`);
  };

  switch (command) {
    case "export": {
      only(["json", "yaml"]);
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
      if (args.json && args.yaml) throw new UsageError("give --json or --yaml, not both");
      await getDatabase(); // a failure is a configuration error: one line, exit 2
      const result = await exportSourcesFile(args.json ? "json" : "yaml");
      process.stdout.write(result.text);
      if (result.variables.length) {
        console.error(`plugins:sources: set ${result.variables.map((v) => v.env).join(", ")} where the file is applied (the secrets are not exported)`);
      }
      return 0;
    }
    case "validate": {
      only([]);
      if (rest.length !== 1) throw new UsageError("validate takes exactly one FILE");
      const result = await loadSourcesFile(rest[0]);
      if (!result.ok) {
        for (const line of result.errors) console.error(line);
        return 1;
      }
      const { sources, cache } = result.file;
      console.log(`${rest[0]}: valid (${sources.length} source${sources.length === 1 ? "" : "s"}${cache ? `, ${cache.kind} cache` : ", no cache"})`);
      return 0;
    }
    case "apply": {
      only(["dry-run", "adopt"]);
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
      const file = rest[0] ?? env.pluginSourcesFile();
      if (!file) throw new UsageError("apply needs a FILE (or PLUGIN_SOURCES_FILE set)");
      await getDatabase(); // a failure is a configuration error: one line, exit 2
      try {
        const summary = await reconcileSourcesFile(file, { dryRun: args["dry-run"], adopt: args.adopt });
        console.log(describeSummary(summary));
        return 0;
      } catch (err) {
        if (!(err instanceof SourcesFileError)) throw err;
        console.error(err.header);
        for (const line of err.errors) console.error(line);
        return 1;
      }
    }
    case undefined:
      throw new UsageError("a command is required");
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2))
  .catch((err: Error) => {
    if (err instanceof UsageError) console.error(`plugins:sources: ${err.message}\n${USAGE}`);
    else console.error(`plugins:sources: ${firstLine(err)}`);
    return 2;
  })
  .then(async (code) => {
    await closeDatabase().catch((err: unknown) => console.error(`plugins:sources: closing the database failed: ${firstLine(err)}`));
    process.exit(code);
  });
