import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as activateApi from "@/app/api/generations/[id]/activate/route";
import * as readyApi from "@/app/api/ready/route";
import { renderMetrics } from "@/lib/metrics";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { sealSecrets } from "@/lib/secrets";
import { jsonRequest, routeCtx, signInAs } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { startSync } from "../sync/start-sync";
import { getRuntime, reloadRuntime } from "./runtime";
import { getRuntimeStatus } from "./status";

/**
 * Activation during an S3 cache outage: refused with the reason while the cache cannot give the generation, and an
 * instance that cannot load an activation made elsewhere keeps serving what it verified, stays ready, and reports
 * the activation pending until the cache is back.
 */
const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let s3: S3Server;
let root: string;

beforeAll(async () => {
  database = await createTestDatabase();
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-outage-"));
  (globalThis as { __opsflowRuntime?: unknown }).__opsflowRuntime = undefined;
  s3 = await startS3Server();
  await s3.bucket("cache");
  await setCacheEndpoint(s3.endpoint);
  root = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-outage-src-"));
  fs.cpSync(EXAMPLES, root, { recursive: true });
  await database.prisma.pluginSource.deleteMany();
  await database.prisma.generation.updateMany({ where: { status: "active" }, data: { status: "ready" } });
  await database.prisma.pluginSource.create({ data: { name: "examples", kind: "fs", settings: { path: root }, pluginSets: { create: [SET] } } });
  await signInAs("admin");
});
afterAll(async () => {
  await s3.close();
  await database.close();
});

/** The S3 cache's endpoint (a closed port is the cache down, for every instance). */
async function setCacheEndpoint(endpoint: string) {
  const settings = { endpoint, region: "us-east-1", bucket: "cache", prefix: "outage/", accessKeyId: s3.accessKeyId, pathStyle: true };
  const secret = sealSecrets({ secretAccessKey: s3.secretAccessKey });
  await database.prisma.cacheConfig.upsert({ where: { id: 1 }, create: { id: 1, kind: "s3", settings, secret }, update: { settings } });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function sync(activate: boolean): Promise<number> {
  fs.writeFileSync(path.join(root, SET.submodule, "note.txt"), `activate ${activate} ${Date.now()}`);
  const { runId, done } = await startSync({ trigger: "cli", actor: "outage", activate });
  expect((await done)?.generation).toBeTruthy();
  return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
}

const activate = async (id: number) => {
  const res = await activateApi.POST(jsonRequest("POST", `/api/generations/${id}/activate`), routeCtx({ id: String(id) }));
  return { status: res.status, body: await res.json() };
};
const ready = async () => {
  const res = await readyApi.GET(new Request("http://localhost/api/ready"), routeCtx());
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
};
const pendingMetric = async () => Number(/^opsflow_activation_pending (\d+)$/m.exec((await renderMetrics()).body)?.[1]);
const statuses = async () => Object.fromEntries((await database.prisma.generation.findMany({ where: { status: { in: ["active", "ready"] } } })).map((g) => [g.id, g.status]));

describe("activation and a cache outage", () => {
  it("refuses with 409 and the reason; an instance that cannot load an activation yet stays ready and says it is pending", async () => {
    const served = await sync(true);
    await reloadRuntime();
    expect(getRuntime().generation).toBe(served);
    const next = await sync(false);
    const before = await statuses();

    await setCacheEndpoint(`http://127.0.0.1:${await closedPort()}`);
    const refused = await activate(next);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(new RegExp(`Generation ${next} cannot be activated: it cannot be read \\(.+\\)`));
    expect(await statuses()).toEqual(before);
    expect(await ready()).toMatchObject({ status: 200, body: { status: "ready", checks: { generation: "ok" } } });

    // Activated by an instance that could still read the cache: this one learns of it at its next poll.
    await database.prisma.$transaction([
      database.prisma.generation.update({ where: { id: served }, data: { status: "ready" } }),
      database.prisma.generation.update({ where: { id: next }, data: { status: "active", activatedAt: new Date() } }),
    ]);
    await reloadRuntime();
    expect(getRuntime().generation).toBe(served);
    expect(getRuntimeStatus()).toMatchObject({ generation: served, activeInDb: next, verified: true, pending: { generation: next, reason: expect.any(String) } });
    expect(await ready()).toMatchObject({ status: 200, body: { status: "ready", checks: { generation: "ok", activation: "pending" } } });
    expect(await pendingMetric()).toBe(1);

    // The cache is back: the next poll switches.
    await setCacheEndpoint(s3.endpoint);
    await reloadRuntime();
    expect(getRuntime().generation).toBe(next);
    expect(getRuntimeStatus().pending).toBeNull();
    const after = await ready();
    expect(after).toMatchObject({ status: 200, body: { status: "ready", checks: { generation: "ok" } } });
    expect(after.body.checks).not.toHaveProperty("activation");
    expect(await pendingMetric()).toBe(0);
  }, 60_000);

  it("answers 202 without waiting for the load, saying this instance is loading it; the switch follows", async () => {
    const previous = getRuntime().generation!;
    const next = await sync(false);
    const accepted = await activate(next);
    expect(accepted).toMatchObject({ status: 202, body: { id: next, status: "active", activation: "loading" } });
    await reloadRuntime(); // joins the switch the activation started
    expect(previous).not.toBe(next);
    expect(getRuntime().generation).toBe(next);
    expect(getRuntimeStatus().loading).toBeNull();
  }, 60_000);
});
