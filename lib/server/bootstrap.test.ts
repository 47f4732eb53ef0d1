import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Several instances started at once on a new PostgreSQL database (the start of a scaled-out deploy): every one
 * starts (none crashes on the unique username), exactly one creates the admin and the example source, and
 * exactly one prints the generated password. Real processes, real PostgreSQL; 10 trials of 3 instances.
 */

const serverUrl = process.env.TEST_DATABASE_URL;
const INSTANCES = 3;
const TRIALS = 10;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-first-start-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function start(url: string, n: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/__fixtures__/start-instance.ts"], {
      env: {
        ...process.env,
        NODE_ENV: "development", // migrations are applied on open, by all three at once (the migrator's lock)
        DATABASE_URL: url,
        DATA_DIR: path.join(dataDir, String(n)),
        APP_SECRET: "first-start-test-secret-first-start-test-secret",
        ADMIN_PASSWORD: "",
        SEED_EXAMPLE_SOURCE: "1",
        SYNC_ON_START: "never",
        PLUGIN_SOURCES_FILE: "",
        LOG_FORMAT: "json",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

async function sql<T>(url: string, query: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(query)).rows as T[];
  } finally {
    await c.end();
  }
}

describe.skipIf(!serverUrl)("first start of several instances at once (PostgreSQL)", () => {
  it(`${TRIALS} trials of ${INSTANCES} instances on an empty database: no crash, one admin, one example source, one password line`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const name = `opsflow_first_start_${process.pid}_${trial}`;
      await sql(serverUrl!, `CREATE DATABASE "${name}"`);
      const url = new URL(serverUrl!);
      url.pathname = `/${name}`;
      try {
        const results = await Promise.all(Array.from({ length: INSTANCES }, (_, n) => start(url.toString(), trial * INSTANCES + n)));
        for (const r of results) expect(r.code, r.output).toBe(0);
        const printed = results.filter((r) => /created admin user "admin" with password: \S+/.test(r.output));
        expect(printed, results.map((r) => r.output).join("\n---\n")).toHaveLength(1);
        const counts = await sql<{ users: string; sources: string; audits: string; forced: string }>(url.toString(), `
          SELECT (SELECT count(*) FROM "User") AS users, (SELECT count(*) FROM "PluginSource") AS sources,
                 (SELECT count(*) FROM "AuditEvent") AS audits, (SELECT count(*) FROM "User" WHERE "mustChangePassword") AS forced`);
        expect(counts[0]).toEqual({ users: "1", sources: "1", audits: "2", forced: "1" });
      } finally {
        await sql(serverUrl!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    }
  }, 600_000);
});
