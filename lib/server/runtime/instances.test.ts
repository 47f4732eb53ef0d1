import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { startSync } from "../sync/start-sync";
import { activateGeneration } from "../generations/activate-generation";

const EXAMPLES = path.resolve("examples/plugins");
const POLL_MS = 500;

describe.skipIf(!process.env.TEST_DATABASE_URL)("two instances on one PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-instances-"));
  });
  afterAll(() => database.close());

  async function sync(activate: boolean): Promise<number> {
    const { runId, done } = await startSync({ trigger: "cli", actor: "test", activate });
    await done;
    return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
  }

  it("the other instance converges on the activated generation within the poll interval", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-inst-src-"));
    fs.cpSync(EXAMPLES, root, { recursive: true });
    await database.prisma.pluginSource.create({
      data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] } },
    });
    const a = await sync(true);
    const seen: { serving: number | null; at: number }[] = [];
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/runtime/__fixtures__/instance.ts"], {
      // Its own runtime directory (another machine), the same database and cache.
      env: {
        ...process.env,
        DATABASE_URL: database.url!,
        PLUGIN_RUNTIME_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-inst-runtime-")),
        PLUGIN_POLL_INTERVAL_MS: String(POLL_MS),
        // The poll alone (the fallback): activation-notify.test.ts tests the notifications.
        PLUGIN_LISTEN_ACTIVATIONS: "0",
        NODE_ENV: "development",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n").filter(Boolean)) {
        try {
          seen.push(JSON.parse(line));
        } catch {
          // log lines of the instance itself
        }
      }
    });
    const waitFor = async (gen: number, timeoutMs: number) => {
      const start = Date.now();
      while (Date.now() - start < timeoutMs) {
        const hit = seen.find((s) => s.serving === gen);
        if (hit) return hit.at;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`instance did not serve generation ${gen} within ${timeoutMs} ms (saw ${JSON.stringify(seen)})`);
    };
    try {
      await waitFor(a, 20_000);
      fs.writeFileSync(path.join(root, "custom_plugins", "note.txt"), "changed");
      const b = await sync(false);
      const activatedAt = Date.now();
      await activateGeneration(b, "alice");
      const servedAt = await waitFor(b, 10_000);
      // Converged within one poll interval plus the load itself (materialise + verify, well under a second here).
      expect(servedAt - activatedAt).toBeLessThan(POLL_MS + 1500);
    } finally {
      child.kill("SIGTERM");
    }
  }, 60_000);
});
