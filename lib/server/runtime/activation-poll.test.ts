import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/lib/test/database";
import { startSync } from "../sync/start-sync";
import { listenerConnections } from "./activation-listener";
import { getRuntime, reloadRuntime, startRuntime, stopRuntime } from "./runtime";

const EXAMPLES = path.resolve("examples/plugins");

/** On the embedded PGlite there is nothing to listen to: the poll alone follows an activation made behind its back. */
describe("activation on PGlite: the poll", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const saved = process.env.TEST_DATABASE_URL;
  beforeAll(async () => {
    delete process.env.TEST_DATABASE_URL; // PGlite even where PostgreSQL is configured for the suite
    database = await createTestDatabase();
    process.env.TEST_DATABASE_URL = saved;
    process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-poll-"));
    process.env.PLUGIN_POLL_INTERVAL_MS = "500";
  });
  afterAll(async () => {
    stopRuntime();
    delete process.env.PLUGIN_POLL_INTERVAL_MS;
    await database.close();
  });

  it("switches at the next poll, with no listener", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-poll-src-"));
    fs.cpSync(EXAMPLES, root, { recursive: true });
    await database.prisma.pluginSource.create({
      data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] } },
    });
    const first = await startSync({ trigger: "cli", actor: "test", activate: true });
    await first.done;
    fs.writeFileSync(path.join(root, "custom_plugins", "note.txt"), "changed");
    const second = await startSync({ trigger: "cli", actor: "test", activate: false });
    const b = (await second.done)!.generation!;
    await reloadRuntime();
    const a = getRuntime().generation;
    expect(a).not.toBe(b);
    startRuntime();
    // Another process's activation, as the DB shows it (this process is not told).
    await database.prisma.$transaction([
      database.prisma.generation.updateMany({ where: { status: "active" }, data: { status: "ready" } }),
      database.prisma.generation.update({ where: { id: b }, data: { status: "active", activatedAt: new Date() } }),
    ]);
    await expect.poll(() => getRuntime().generation, { timeout: 30_000, interval: 50 }).toBe(b);
    expect(listenerConnections()).toBe(0);
  }, 60_000);
});
