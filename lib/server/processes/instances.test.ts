import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as cancelApi from "@/app/api/processes/[id]/runs/[runId]/cancel/route";
import type { Graph } from "@/lib/processes/graph";
import { stopQueue } from "@/lib/server/jobs/queue";
import { createTestDatabase } from "@/lib/test/database";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { reloadRuntime } from "../runtime/runtime";
import { startSync } from "../sync/start-sync";
import { createProcess } from "./create-process";
import { saveProcess } from "./save-process";
import { startProcessRun } from "./start-process-run";

/**
 * Process runs on a cluster: two server instances (child processes, each with its own plugin hosts and runtime
 * directory) on one PostgreSQL database; this test process only starts runs and reads the database. Expiry is set
 * short (PROCESS_NODE_EXPIRE_SECONDS) so a dead instance's node is found within seconds; every wait is for an
 * outcome in the database, bounded only by the poll timeout.
 */

const ENV = { PROCESS_NODE_EXPIRE_SECONDS: "25", PROCESS_QUEUE_MAINTENANCE_SECONDS: "1", PROCESS_QUEUE_POLL_MS: "200", PROCESS_CANCEL_POLL_MS: "200", PLUGIN_TIMEOUT_MS: "40000" };
const LONG = { timeout: 90_000, interval: 100 };

describe.skipIf(!process.env.TEST_DATABASE_URL)("process runs on two instances sharing PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const children = new Set<ChildProcess>();
  let user: Awaited<ReturnType<typeof signInAs>> & { role: "member"; locale: null; mustChangePassword: false };

  beforeAll(async () => {
    Object.assign(process.env, ENV);
    database = await createTestDatabase();
    process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-run-instances-"));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-run-src-"));
    fs.cpSync(path.resolve("examples/plugins"), root, { recursive: true });
    await database.prisma.pluginSource.create({
      data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"] }] } },
    });
    const { done } = await startSync({ trigger: "cli", actor: "test", activate: true });
    await done;
    await reloadRuntime();
    user = { ...(await signInAs("member")), role: "member", locale: null, mustChangePassword: false };
  }, 90_000);
  // Each test brings up its own instances.
  afterEach(async () => {
    await Promise.all([...children].map(killed));
  });
  afterAll(async () => {
    await stopQueue();
    await database.close();
  });

  /** Starts an instance and resolves with its instance id once its workers run. */
  function startInstance(): Promise<{ child: ChildProcess; instance: string }> {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/server/processes/__fixtures__/run-instance.ts"], {
      env: { ...process.env, ...ENV, DATABASE_URL: database.url!, PLUGIN_RUNTIME_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-run-rt-")), NODE_ENV: "development", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(child);
    child.on("exit", () => children.delete(child));
    return new Promise((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) resolve({ child, instance: (JSON.parse(line) as { instance: string }).instance });
      });
      child.on("exit", (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
    });
  }

  const killed = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : (child.once("exit", () => resolve()), child.kill("SIGKILL"))));

  async function sleepProcess(name: string, ms: number, retries = 0): Promise<string> {
    const p = await createProcess({ name, description: "" }, user);
    const graph: Graph = {
      nodes: [
        { id: "start", type: "start", position: { x: 0, y: 0 } },
        { id: "nap", type: "plugin", position: { x: 1, y: 0 }, data: { code: "builtin_sleep", version: "1.0.0", inputs: { ms }, ...(retries ? { retries } : {}) } },
        { id: "end", type: "end", position: { x: 2, y: 0 } },
      ],
      edges: [
        { id: "a", source: "start", target: "nap" },
        { id: "b", source: "nap", target: "end" },
      ],
    };
    await saveProcess(p.id, { version: p.version, graph }, user);
    return p.id;
  }

  const node = (runId: string) => database.prisma.processRunNode.findFirstOrThrow({ where: { runId, nodeId: "nap" } });
  const run = (runId: string) => database.prisma.processRun.findUniqueOrThrow({ where: { id: runId } });
  /** Waits until the node runs somewhere; returns that instance's id. */
  const runningOn = async (runId: string) => {
    await expect.poll(async () => (await node(runId)).status, LONG).toBe("running");
    return (await node(runId)).instance!;
  };

  it("kill -9 of the instance executing a 20 s node: the node fails with the reason, the run ends; none is left running after a restart of everything", async () => {
    const instances = [await startInstance(), await startInstance()];
    const { runId } = await startProcessRun(await sleepProcess("nap-20s", 20_000), {}, user);
    const on = await runningOn(runId);
    const victim = instances.find((i) => i.instance === on)!;
    await killed(victim.child);
    await expect.poll(async () => (await run(runId)).status, LONG).toBe("failed");
    expect(await node(runId)).toMatchObject({ status: "failed", error: "The instance running it stopped.", attempts: 1, instance: on });

    // A run in flight when every instance stops (the survivor too) also ends once they are back.
    const { runId: second } = await startProcessRun(await sleepProcess("nap-again", 20_000), {}, user);
    await runningOn(second);
    await Promise.all(instances.map((i) => killed(i.child)));
    await Promise.all([startInstance(), startInstance()]);
    await expect.poll(async () => (await run(second)).status, LONG).toBe("failed");
    expect(await database.prisma.processRun.count({ where: { status: "running" } })).toBe(0);
    expect(await database.prisma.processRunNode.count({ where: { status: { in: ["pending", "queued", "running"] } } })).toBe(0);
  }, 240_000);

  it("a node with a retry is retried on the other instance when the one running it is killed", async () => {
    const instances = [await startInstance(), await startInstance()];
    const { runId } = await startProcessRun(await sleepProcess("nap-retried", 8_000, 1), {}, user);
    const on = await runningOn(runId);
    await killed(instances.find((i) => i.instance === on)!.child);
    await expect.poll(async () => (await run(runId)).status, LONG).toBe("succeeded");
    const n = await node(runId);
    expect(n).toMatchObject({ status: "succeeded", attempts: 2, outputs: { sleptMs: 8000 } });
    expect(n.instance).not.toBe(on);
    expect(instances.map((i) => i.instance)).toContain(n.instance);
  }, 180_000);

  it("cancel stops a node running on another instance: the run ends cancelled, the node's plugin is stopped before it returns", async () => {
    await Promise.all([startInstance(), startInstance()]);
    const processId = await sleepProcess("nap-cancelled", 20_000);
    const { runId } = await startProcessRun(processId, {}, user);
    await runningOn(runId);
    const res = await cancelApi.POST(jsonRequest("POST", `/api/processes/${processId}/runs/${runId}/cancel`), routeCtx({ id: processId, runId }));
    expect(res.status).toBe(200);
    expect(await run(runId)).toMatchObject({ status: "cancelled", cancelledBy: user.username });
    await expect.poll(async () => (await node(runId)).status, LONG).toBe("cancelled");
    // Stopped, not finished: the 20 s sleep returned nothing.
    expect((await node(runId)).outputs).toBeNull();
  }, 120_000);
});
