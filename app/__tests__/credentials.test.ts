import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as processesApi from "@/app/api/processes/route";
import * as processApi from "@/app/api/processes/[id]/route";
import * as runsApi from "@/app/api/processes/[id]/runs/route";
import * as runApi from "@/app/api/processes/[id]/runs/[runId]/route";
import * as credentialsApi from "@/app/api/credentials/route";
import * as credentialApi from "@/app/api/credentials/[id]/route";
import * as credentialSharesApi from "@/app/api/credentials/[id]/shares/route";
import * as auditApi from "@/app/api/audit/route";
import { openSecrets } from "@/lib/secrets";
import { captureLogs } from "@/lib/log";
import type { Graph, GraphNode } from "@/lib/processes/graph";
import { startRunWorkers, stopRunWorkers } from "@/lib/server/jobs/job-worker";
import { stopQueue } from "@/lib/server/jobs/queue";
import type { ProcessDetail, ProcessRunView } from "@/lib/server/processes/process-view";
import { getRuntime, reloadRuntime } from "@/lib/server/runtime/runtime";
import { startSync } from "@/lib/server/sync/start-sync";
import { jsonRequest, routeCtx, signInAs, signInAsUser } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";

/**
 * Credentials: a secret value goes in once (POST /api/credentials) and is opened only on the instance calling the
 * plugin. A canary value is then looked for everywhere a run could leave it — every API response, the run
 * record, the server log, every table (the queue's included) and, on PostgreSQL, a pg_dump of the database —
 * while a plugin does its best to leak it (log, console, outputs, error).
 */

const CANARY = `canary-${randomBytes(8).toString("hex")}`;
const FIXTURES = path.resolve("lib/server/processes/__fixtures__");

type Handler = (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>;

describe("credentials", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const bodies: string[] = [];
  const logs = captureLogs("trace");

  async function call<T = Record<string, unknown>>(handler: Handler, method: string, params: Record<string, string> = {}, body?: unknown, query = "") {
    const res = await handler(jsonRequest(method, `/api/x${query}`, body), routeCtx(params));
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, body: JSON.parse(text) as T };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.prisma.pluginSource.create({
      data: { name: "fixtures", kind: "fs", settings: { path: FIXTURES }, pluginSets: { create: [{ submodule: "leaky", version: "1.0.0", importModules: ["leaky/plugins.mjs"] }] } },
    });
    const { done } = await startSync({ trigger: "cli", actor: "test", activate: true });
    expect(await done).toBeTruthy();
    await reloadRuntime();
    await startRunWorkers();
  }, 60_000);
  afterAll(async () => {
    logs.stop();
    await stopRunWorkers();
    await stopQueue();
    await getRuntime().pool.close({ force: true });
    await database.close();
  });

  const at = { x: 0, y: 0 };
  const graphOf = (nodes: GraphNode[]): Graph => ({
    nodes: [{ id: "start", type: "start", position: at }, { id: "end", type: "end", position: at }, ...nodes],
    edges: [{ id: "s", source: "start", target: nodes[0].id }, ...nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id })), { id: "e", source: nodes.at(-1)!.id, target: "end" }],
  });
  const leaky = (id: string, credential: string, fail = false): GraphNode => ({ id, type: "plugin", position: at, data: { code: "fx_leaky", version: "1.0.0", inputs: { token: { credential }, fail } } });

  async function runToEnd(processId: string): Promise<ProcessRunView> {
    const started = await call<{ runId: string }>(runsApi.POST, "POST", { id: processId }, {});
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    let view: ProcessRunView | undefined;
    await expect
      .poll(async () => (view = (await call<ProcessRunView>(runApi.GET, "GET", { id: processId, runId: started.body.runId })).body).status, { timeout: 30_000, interval: 50 })
      .not.toBe("running");
    return view!;
  }

  it("a credential's value reaches the plugin and nothing else: no response, run record, log line or database column holds it", async () => {
    const owner = await signInAs("member");
    const created = await call<{ id: string; name: string }>(credentialsApi.POST, "POST", {}, { name: "deploy token", value: CANARY });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(["access", "createdAt", "createdBy", "description", "id", "name", "owner", "updatedAt", "updatedBy"]);
    const stored = await database.prisma.credential.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.secret).toMatch(/^v1\./);
    expect(openSecrets(stored.secret)).toEqual({ value: CANARY });

    const p = (await call<ProcessDetail>(processesApi.POST, "POST", {}, { name: "leaky" })).body;
    const saved = await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: p.version, graph: graphOf([leaky("ok", created.body.id), leaky("bad", created.body.id, true)]) });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const run = await runToEnd(p.id);
    const [ok, bad] = run.nodes;
    // It did get the value: the plugin saw a string of the canary's length.
    expect(ok).toMatchObject({ status: "succeeded", inputs: { token: "••••••", fail: false }, outputs: { echo: "got [redacted]", length: CANARY.length } });
    expect(ok.logs).toEqual(["the token is [redacted]", "console says [redacted]"]);
    expect(bad).toMatchObject({ status: "failed", error: "failing with [redacted]" });

    // Reading everything back the way the editor and an admin would.
    await call(credentialsApi.GET, "GET");
    await call(credentialApi.GET, "GET", { id: created.body.id });
    await call(processApi.GET, "GET", { id: p.id });
    await call(runsApi.GET, "GET", { id: p.id });
    await signInAs("admin");
    await call(auditApi.GET, "GET");
    await call(processesApi.GET, "GET");
    await signInAsUser(owner);
    await call(credentialApi.PUT, "PUT", { id: created.body.id }, { description: "rotated", value: `${CANARY}-2` });

    for (const text of bodies) expect(text).not.toContain(CANARY);
    expect(logs.raw()).not.toContain(CANARY);
    expect(logs.raw()).toContain("failing with [redacted]");
    const tables = await database.prisma.$queryRawUnsafe<{ schema: string; name: string }[]>(
      "SELECT table_schema::text AS schema, table_name::text AS name FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["Credential", "ProcessRunNode", "job"]));
    for (const { schema, name } of tables) {
      const rows = await database.prisma.$queryRawUnsafe<{ j: string }[]>(`SELECT row_to_json(t)::text AS j FROM "${schema}"."${name}" t`);
      for (const { j } of rows) expect(j, `${schema}.${name}`).not.toContain(CANARY);
    }
    if (database.url) {
      const dump = spawnSync("pg_dump", ["--data-only", database.url], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      expect(dump.status, dump.stderr).toBe(0);
      expect(dump.stdout).toContain("deploy token");
      expect(dump.stdout).not.toContain(CANARY);
    }
  }, 60_000);

  it("owned and shared like processes: others get 404; a viewer uses it but cannot change it; an editor changes it but cannot delete or share it", async () => {
    const alice = await signInAs("member");
    const cred = (await call<{ id: string }>(credentialsApi.POST, "POST", {}, { name: "alice key", value: "alice-value-1234" })).body;
    const viewer = await signInAs("member");
    const editor = await signInAs("member");
    const stranger = await signInAs("member");
    for (const [handler, method, body] of [[credentialApi.GET, "GET"], [credentialApi.PUT, "PUT", { name: "x" }], [credentialApi.DELETE, "DELETE"], [credentialSharesApi.PUT, "PUT", { username: stranger.username, role: "viewer" }]] as const) {
      expect((await call(handler as Handler, method, { id: cred.id }, body)).status).toBe(404);
    }
    expect((await call<unknown[]>(credentialsApi.GET, "GET")).body).toEqual([]);
    // A process that names someone else's credential does not save.
    const mine = (await call<ProcessDetail>(processesApi.POST, "POST", {}, { name: "borrower" })).body;
    const refused = await call<{ fieldErrors: Record<string, string> }>(processApi.PUT, "PUT", { id: mine.id }, { version: mine.version, graph: graphOf([leaky("n", cred.id)]) });
    expect(refused.status).toBe(422);
    expect(refused.body.fieldErrors).toEqual({ "nodes.n.token": "This credential does not exist or is not shared with you." });

    await signInAsUser(alice);
    expect((await call(credentialSharesApi.PUT, "PUT", { id: cred.id }, { username: viewer.username, role: "viewer" })).status).toBe(200);
    expect((await call(credentialSharesApi.PUT, "PUT", { id: cred.id }, { username: editor.username, role: "editor" })).status).toBe(200);
    expect((await call(credentialSharesApi.PUT, "PUT", { id: cred.id }, { username: "nobody-here", role: "editor" })).body).toMatchObject({ fieldErrors: { username: "There is no user named “nobody-here”." } });

    await signInAsUser(viewer);
    expect((await call<{ access: string }>(credentialApi.GET, "GET", { id: cred.id })).body.access).toBe("viewer");
    expect((await call(credentialApi.PUT, "PUT", { id: cred.id }, { value: "new" })).status).toBe(403);
    const p = (await call<ProcessDetail>(processesApi.POST, "POST", {}, { name: "uses shared" })).body;
    expect((await call(processApi.PUT, "PUT", { id: p.id }, { version: p.version, graph: graphOf([leaky("n", cred.id)]) })).status).toBe(200);
    expect((await runToEnd(p.id)).nodes[0]).toMatchObject({ status: "succeeded", outputs: { length: "alice-value-1234".length } });

    await signInAsUser(editor);
    expect((await call(credentialApi.PUT, "PUT", { id: cred.id }, { value: "rotated-by-editor" })).status).toBe(200);
    expect((await call(credentialApi.DELETE, "DELETE", { id: cred.id })).status).toBe(403);
    expect((await call(credentialSharesApi.PUT, "PUT", { id: cred.id }, { username: stranger.username, role: "viewer" })).status).toBe(403);

    // Taken back: the viewer's process no longer runs with it (checked again at run time).
    await signInAsUser(alice);
    expect((await call(credentialSharesApi.PUT, "PUT", { id: cred.id }, { username: viewer.username, role: "none" })).status).toBe(200);
    expect((await call<{ error: string }>(credentialApi.DELETE, "DELETE", { id: cred.id })).body.error).toMatch(/^Used by 1 process: uses shared\./);
    await signInAsUser(viewer);
    const start = await call<{ error: string }>(runsApi.POST, "POST", { id: p.id }, {});
    expect(start).toMatchObject({ status: 422, body: { error: "Some nodes use credentials that do not exist or are not shared with you (nodes n)." } });
  }, 60_000);
});
