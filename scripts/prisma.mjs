#!/usr/bin/env node
/**
 * Runs the Prisma CLI offline: PRISMA_QUERY_ENGINE_LIBRARY=/bin/false stops the query-engine download that
 * Prisma 6 attempts even with engineType "client", CHECKPOINT_DISABLE=1 stops its telemetry call.
 * Usage: node scripts/prisma.mjs <prisma args...>   (postinstall runs `generate`)
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_QUERY_ENGINE_LIBRARY: "/bin/false", CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(result.status ?? 1);
