import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { startSync } from "../sync/start-sync";
import { activateGeneration } from "../generations/activate-generation";
import { LISTENER_APPLICATION_NAME } from "./activation-listener";

const EXAMPLES = path.resolve("examples/plugins");
/** An hour: a switch these instances make in this test can only come from the notification. */
const POLL_MS = 3_600_000;
const INSTANCES = 3;

/** `fn` until it returns true (conditions, not fixed times: the machine is loaded). */
async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!process.env.TEST_DATABASE_URL)("activation notifications across instances on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const children: ChildProcess[] = [];
  const serving: (number | null | undefined)[] = [];
  let root: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-notify-"));
    root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-notify-src-"));
    fs.cpSync(EXAMPLES, root, { recursive: true });
    await database.prisma.pluginSource.create({
      data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] } },
    });
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
    await database.close();
  });

  async function sync(activate: boolean): Promise<number> {
    const { runId, done } = await startSync({ trigger: "cli", actor: "test", activate });
    await done;
    return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
  }

  /** The listeners LISTENing on this test's database: their backend pids. */
  async function listeners(): Promise<number[]> {
    const rows = await database.prisma.$queryRaw<{ pid: number }[]>`
      SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = ${LISTENER_APPLICATION_NAME} AND query LIKE 'LISTEN%'`;
    return rows.map((r) => r.pid);
  }

  function startInstance(i: number) {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/runtime/__fixtures__/instance.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: database.url!,
        PLUGIN_RUNTIME_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-notify-runtime-")),
        PLUGIN_POLL_INTERVAL_MS: String(POLL_MS),
        NODE_ENV: "development",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout!.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n").filter(Boolean)) {
        try {
          serving[i] = (JSON.parse(line) as { serving: number | null }).serving;
        } catch {
          // the instance's own log lines
        }
      }
    });
    children.push(child);
  }

  const allServe = (gen: number) => serving.length === INSTANCES && serving.every((s) => s === gen);

  it("every instance switches on the notification (the poll is an hour), and again after its listener's connection is killed", async () => {
    const a = await sync(true);
    for (let i = 0; i < INSTANCES; i++) startInstance(i);
    await until(`all instances serving generation ${a}`, () => allServe(a));
    await until("every instance listening", async () => (await listeners()).length === INSTANCES);

    fs.writeFileSync(path.join(root, "custom_plugins", "note.txt"), "changed");
    const b = await sync(false);
    expect(b).not.toBe(a);
    await activateGeneration(b, "alice");
    await until(`all instances serving generation ${b}`, () => allServe(b));

    // Kill every listener's connection: each reconnects and LISTENs again on a new backend.
    const before = await listeners();
    await database.prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY(${before}::int[])`;
    await until("every instance listening again", async () => {
      const now = await listeners();
      return now.length === INSTANCES && now.every((pid) => !before.includes(pid));
    });
    await activateGeneration(a, "alice"); // a rollback, notified like any activation
    await until(`all instances back on generation ${a}`, () => allServe(a));
  }, 120_000);
});
