import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as processesApi from "@/app/api/processes/route";
import * as processApi from "@/app/api/processes/[id]/route";
import * as runsApi from "@/app/api/processes/[id]/runs/route";
import * as runApi from "@/app/api/processes/[id]/runs/[runId]/route";
import * as sharesApi from "@/app/api/processes/[id]/shares/route";
import * as credentialsApi from "@/app/api/credentials/route";
import { createProcessAction, deleteProcessAction, saveProcessAction, startRunAction } from "@/app/editor/actions";
import type { Graph, GraphNode } from "@/lib/processes/graph";
import type { ProcessDetail, ProcessRunView } from "@/lib/server/processes/process-view";
import { activateGeneration } from "@/lib/server/generations/activate-generation";
import { getRuntime, reloadRuntime } from "@/lib/server/runtime/runtime";
import { startSync } from "@/lib/server/sync/start-sync";
import { jsonRequest, routeCtx, signInAs, signInAsUser, signOut } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";
import { startRunWorkers, stopRunWorkers } from "@/lib/server/jobs/job-worker";
import { stopQueue } from "@/lib/server/jobs/queue";

/**
 * Processes end to end on the real plugin runtime: the example set (and the runtime's hostile fixtures) synced
 * into a generation, loaded, and run in real plugin hosts.
 */

const EXAMPLES = path.resolve("examples/plugins");
const HOSTILE = path.resolve("lib/server/runtime/__fixtures__");

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let generation: number;

async function sync(): Promise<number> {
  const { runId, done } = await startSync({ trigger: "cli", actor: "test", activate: true });
  if (!(await done)) throw new Error("sync failed");
  return (await database.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } })).generationId!;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await database.prisma.pluginSource.create({
    data: {
      name: "examples",
      kind: "fs",
      settings: { path: EXAMPLES },
      pluginSets: { create: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] }] },
    },
  });
  await database.prisma.pluginSource.create({
    data: { name: "hostile", kind: "fs", settings: { path: HOSTILE }, pluginSets: { create: [{ submodule: "hostile", version: "1.0.0", importModules: ["hostile/plugins.mjs"] }] } },
  });
  generation = await sync();
  await reloadRuntime();
  expect(getRuntime().generation).toBe(generation);
  await startRunWorkers();
}, 60_000);
afterAll(async () => {
  await stopRunWorkers();
  await stopQueue();
  await getRuntime().pool.close({ force: true });
  await database.close();
});

const at = { x: 0, y: 0 };
const node = (id: string, code: string, inputs: Record<string, unknown> = {}, version = "1.0.0"): GraphNode => ({ id, type: "plugin", position: at, data: { code, version, inputs } });
const graphOf = (nodes: GraphNode[], edges: [string, string][]): Graph => ({
  nodes: [{ id: "start", type: "start", position: at }, { id: "end", type: "end", position: at }, ...nodes],
  edges: edges.map(([source, target]) => ({ id: `${source}-${target}`, source, target })),
});

async function call<T = unknown>(handler: (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>, method: string, params: Record<string, string>, body?: unknown) {
  const res = await handler(jsonRequest(method, "/api/processes", body), routeCtx(params));
  return { status: res.status, body: (await res.json()) as T };
}

async function create(name: string, graph?: Graph): Promise<ProcessDetail> {
  const created = await call<ProcessDetail>(processesApi.POST, "POST", {}, { name });
  expect(created.status).toBe(201);
  if (!graph) return created.body;
  const saved = await call<ProcessDetail>(processApi.PUT, "PUT", { id: created.body.id }, { version: created.body.version, graph });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return saved.body;
}

/** Follows a run through its REST resource, as the editor does, until it has finished. */
async function waitForRun(processId: string, runId: string): Promise<ProcessRunView> {
  for (let i = 0; i < 400; i++) {
    const { status, body } = await call<ProcessRunView>(runApi.GET, "GET", { id: processId, runId });
    expect(status).toBe(200);
    if (body.status !== "running") return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the run did not finish");
}

async function run(processId: string, nodeId?: string): Promise<ProcessRunView> {
  const started = await call<{ runId: string }>(runsApi.POST, "POST", { id: processId }, nodeId ? { nodeId } : {});
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return waitForRun(processId, started.body.runId);
}

describe("access", () => {
  it("anonymous callers are refused everywhere (401) and nothing changes", async () => {
    await signInAs("member");
    const p = await create("access-check");
    signOut();
    const id = { id: p.id };
    const calls: [string, Promise<unknown>][] = [
      ["GET list", call(processesApi.GET, "GET", {})],
      ["POST", call(processesApi.POST, "POST", {}, { name: "nope" })],
      ["GET one", call(processApi.GET, "GET", id)],
      ["PUT", call(processApi.PUT, "PUT", id, { version: p.version, name: "renamed" })],
      ["DELETE", call(processApi.DELETE, "DELETE", id)],
      ["POST run", call(runsApi.POST, "POST", id, {})],
      ["GET run", call(runApi.GET, "GET", { ...id, runId: "x" })],
      ["createProcessAction", createProcessAction({ name: "nope" })],
      ["saveProcessAction", saveProcessAction(p.id, { version: p.version, name: "renamed" })],
      ["deleteProcessAction", deleteProcessAction(p.id)],
      ["startRunAction", startRunAction(p.id, {})],
    ];
    for (const [name, pending] of calls) expect(((await pending) as { status: number }).status, name).toBe(401);
    expect(await database.prisma.process.findMany({ select: { name: true, version: true } })).toEqual([{ name: "access-check", version: 1 }]);
    expect(await database.prisma.processRun.count()).toBe(0);
  });

  it("members and admins may create, rename, run and delete", async () => {
    for (const role of ["member", "admin"] as const) {
      await signInAs(role);
      const created = await createProcessAction({ name: `by-${role}` });
      expect(created.ok).toBe(true);
      const id = created.ok ? created.data.id : "";
      const renamed = await saveProcessAction(id, { version: 1, name: `by-${role}-renamed` });
      expect(renamed).toMatchObject({ ok: true, data: { name: `by-${role}-renamed`, version: 2 } });
      const started = await startRunAction(id, {});
      // An empty process cannot run: the refusal is an expected error, not a role error.
      expect(started).toMatchObject({ ok: false, status: 422, error: "Add at least one plugin node." });
      expect(await deleteProcessAction(id)).toMatchObject({ ok: true, data: { name: `by-${role}-renamed` } });
    }
  });
});

describe("processes", () => {
  it("list, create (with Start and End), get, rename, delete; names are unique", async () => {
    await signInAs("member");
    const p = await create("crud");
    expect(p.graph.nodes.map((n) => n.type)).toEqual(["start", "end"]);
    expect((await call(processesApi.POST, "POST", {}, { name: "crud" })).body).toEqual({ error: "Some fields need a change: see the message beside each.", fieldErrors: { name: "A process named “crud” already exists." } });
    expect((await call(processesApi.POST, "POST", {}, { name: " " })).status).toBe(422);
    const list = await call<{ name: string; nodes: number; lastRun: null }[]>(processesApi.GET, "GET", {});
    expect(list.body.find((x) => x.name === "crud")).toMatchObject({ nodes: 0, lastRun: null });
    const renamed = await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: 1, name: "crud-2", description: "Renamed" });
    expect(renamed.body).toMatchObject({ name: "crud-2", description: "Renamed", version: 2 });
    expect((await call(processApi.DELETE, "DELETE", { id: p.id })).status).toBe(200);
    expect((await call(processApi.GET, "GET", { id: p.id })).status).toBe(404);
  });

  it("a save based on an older version is refused (409, naming who saved) and overwrites nothing", async () => {
    const alice = await signInAs("member");
    const p = await create("concurrent");
    const bob = await signInAs("member");
    await signInAsUser(alice);
    expect((await call(sharesApi.PUT, "PUT", { id: p.id }, { username: bob.username, role: "editor" })).status).toBe(200);
    const first = await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: p.version, graph: graphOf([node("a", "cus_greet", { name: "Ann" })], []) });
    expect(first.body.version).toBe(p.version + 1);
    await signInAsUser(bob);
    const second = await call<{ error: string }>(processApi.PUT, "PUT", { id: p.id }, { version: p.version, name: "clobbered", graph: graphOf([], []) });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(new RegExp(`^${alice.username} saved this process after you opened it`));
    const stored = (await call<ProcessDetail>(processApi.GET, "GET", { id: p.id })).body;
    expect(stored).toMatchObject({ name: "concurrent", version: p.version + 1, updatedBy: alice.username });
    expect(stored.graph.nodes).toHaveLength(3);
  });

  it("saving checks the graph and the inputs against the pinned plugin versions", async () => {
    await signInAs("member");
    const p = await create("validated");
    const put = (graph: Graph) => call<{ error: string; fieldErrors?: Record<string, string> }>(processApi.PUT, "PUT", { id: p.id }, { version: p.version, graph });
    const cycle = await put(graphOf([node("a", "cus_greet", { name: "x" }), node("b", "cus_greet", { name: "y" })], [["a", "b"], ["b", "a"]]));
    expect(cycle).toEqual({ status: 422, body: { error: "These nodes form a loop: a → b." } });
    const dangling = await put(graphOf([], [["start", "ghost"]]));
    expect(dangling.body.error).toBe("A connection leads to ghost, which does not exist.");
    // A typed secret is never stored, draft or not.
    const secret = await put(graphOf([node("t", "cus_test_1", { message: "x", apiKey: "typed" })], []));
    expect(secret.status).toBe(422);
    expect(secret.body.fieldErrors).toEqual({ "nodes.t.apiKey": expect.any(String) });
    expect((await call<ProcessDetail>(processApi.GET, "GET", { id: p.id })).body.version).toBe(p.version);
    // An unfinished draft saves; running it is refused with the same field errors.
    const draft = await put(graphOf([node("t", "cus_test_1", { message: "", repeat: "lots", extra: "{nope" })], [["start", "t"], ["t", "end"]]));
    expect(draft.status).toBe(200);
    const refused = await call(runsApi.POST, "POST", { id: p.id }, {});
    expect(refused).toEqual({
      status: 422,
      body: { error: "Some node inputs are invalid (nodes t).", fieldErrors: { "nodes.t.message": "Required.", "nodes.t.repeat": "Enter a number, or a reference to an earlier node's output.", "nodes.t.extra": "Not valid JSON." } },
    });
    expect((await call(runsApi.POST, "POST", { id: p.id }, { nodeId: "t" })).status).toBe(422);
    p.version += 1;
    // References stand in for values; a node whose plugin is missing is kept as it is.
    const ok = await put(graphOf([node("t", "cus_test_1", { message: "x" }), node("s", "cus_sum", { a: "{{nodes.t.outputs.length}}", b: 1 }), node("g", "cus_gone", { anything: 1 })], []));
    expect(ok.status).toBe(200);
  });
});

describe("runs", () => {
  it("runs the nodes in topological order through the plugin hosts, references resolved, each node recorded", async () => {
    await signInAs("member");
    const apiKey = (await call<{ id: string }>(credentialsApi.POST, "POST", {}, { name: "api key", value: "s3cret-key" })).body;
    const graph = graphOf(
      [
        node("sum", "cus_sum", { a: "{{nodes.t1.outputs.length}}", b: 10 }),
        node("t1", "cus_test_1", { message: "hi", repeat: 2, upper: true, level: "warn", extra: '{"k": [1]}', apiKey: { credential: apiKey.id } }),
        node("greet", "cus_greet", { name: "{{nodes.t1.outputs.echo}} and {{nodes.sum.outputs.sum}}" }),
        node("log", "builtin_log", { message: "sum is {{nodes.sum.outputs.sum}}" }),
      ],
      [["start", "t1"], ["t1", "sum"], ["sum", "greet"], ["sum", "log"], ["greet", "end"], ["log", "end"]],
    );
    const p = await create("pipeline", graph);
    const result = await run(p.id);
    expect(result).toMatchObject({ status: "succeeded", generation, onlyNode: null, error: null });
    expect(result.nodes.map((n) => [n.nodeId, n.status])).toEqual([["t1", "succeeded"], ["sum", "succeeded"], ["greet", "succeeded"], ["log", "succeeded"]]);
    const [t1, sum, greet, log] = result.nodes;
    expect(t1).toMatchObject({ code: "cus_test_1", version: "1.0.0", outputs: { echo: "HI HI", length: 5 }, error: null });
    // Secrets are masked in the record; JSON was parsed; defaults and normalised values are what the plugin got.
    expect(t1.inputs).toEqual({ message: "hi", repeat: 2, upper: true, level: "warn", extra: { k: [1] }, apiKey: "••••••" });
    expect(t1.logs).toEqual([expect.stringContaining("echoing 5 characters at level warn"), "API key received (10 characters)"]);
    expect(t1.durationMs).toBeGreaterThanOrEqual(0);
    expect(sum).toMatchObject({ inputs: { a: 5, b: 10 }, outputs: { sum: 15 } });
    expect(greet.outputs).toEqual({ text: "Hello, HI HI and 15." });
    expect(log).toMatchObject({ code: "builtin_log", inputs: { message: "sum is 15", level: "info" }, status: "succeeded" });
    const list = await call<{ name: string; lastRun: { status: string } }[]>(processesApi.GET, "GET", {});
    expect(list.body.find((x) => x.name === "pipeline")!.lastRun.status).toBe("succeeded");
  });

  it("a failed node skips what depends on it; other branches still run; the run fails", async () => {
    await signInAs("member");
    const graph = graphOf(
      [node("boom", "hostile_throw"), node("after", "cus_sum", { a: 1, b: 2 }), node("other", "cus_greet", { name: "Bo" }), node("bad", "cus_sum", { a: "{{nodes.other.outputs.text}}", b: 1 })],
      [["start", "boom"], ["boom", "after"], ["after", "end"], ["start", "other"], ["other", "bad"], ["bad", "end"]],
    );
    const p = await create("failing", graph);
    const result = await run(p.id);
    expect(result.status).toBe("failed");
    const byId = Object.fromEntries(result.nodes.map((n) => [n.nodeId, n]));
    expect(byId.boom).toMatchObject({ status: "failed", error: expect.stringContaining("thrown in execute"), outputs: null });
    expect(byId.after).toMatchObject({ status: "skipped", error: "Skipped: boom failed before it.", startedAt: null });
    expect(byId.other).toMatchObject({ status: "succeeded", outputs: { text: "Hello, Bo." } });
    // The referenced text is not a number: the node fails before its plugin runs, naming the input.
    expect(byId.bad).toMatchObject({ status: "failed", error: "Invalid inputs: A: Enter a number, or a reference to an earlier node's output." });
  });

  it("a process with missing plugins saves but does not run; the refusal names every missing plugin", async () => {
    await signInAs("member");
    const graph = graphOf(
      [node("ok", "cus_greet", { name: "x" }), node("gone", "cus_gone", {}), node("old", "cus_test_1", { message: "x" }, "0.9.0")],
      [["start", "ok"], ["ok", "gone"], ["gone", "old"], ["old", "end"]],
    );
    const p = await create("missing", graph);
    const refused = await call<{ error: string }>(runsApi.POST, "POST", { id: p.id }, {});
    expect(refused).toEqual({ status: 422, body: { error: "This process cannot run: these plugins are not in the active generation: cus_gone@1.0.0, cus_test_1@0.9.0." } });
    expect(await database.prisma.processRun.count({ where: { processId: p.id } })).toBe(0);
    // Testing a node whose plugin is there still works.
    expect((await run(p.id, "ok")).nodes).toMatchObject([{ nodeId: "ok", status: "succeeded" }]);
  });

  it("Test node runs one node, resolving references from the last run of the nodes before it", async () => {
    await signInAs("member");
    const graph = graphOf([node("t1", "cus_test_1", { message: "abc" }), node("sum", "cus_sum", { a: "{{nodes.t1.outputs.length}}", b: 1 })], [["start", "t1"], ["t1", "sum"], ["sum", "end"]]);
    const p = await create("test-node", graph);
    const before = await run(p.id, "sum");
    expect(before).toMatchObject({ status: "failed", onlyNode: "sum" });
    expect(before.nodes).toEqual([expect.objectContaining({ nodeId: "sum", status: "failed", error: expect.stringContaining("{{nodes.t1.outputs.length}} has no value") })]);
    await run(p.id);
    const after = await run(p.id, "sum");
    expect(after.nodes).toEqual([expect.objectContaining({ nodeId: "sum", status: "succeeded", outputs: { sum: 4 } })]);
    expect((await call(runsApi.POST, "POST", { id: p.id }, { nodeId: "start" })).status).toBe(404);
  });

  it("a run keeps the generation it started on when another is activated meanwhile", async () => {
    await signInAs("admin");
    const graph = graphOf([node("wait", "builtin_sleep", { ms: 1500 }), node("t1", "cus_test_1", { message: "still here" })], [["start", "wait"], ["wait", "t1"], ["t1", "end"]]);
    const p = await create("pinned", graph);
    const started = await call<{ runId: string }>(runsApi.POST, "POST", { id: p.id }, {});
    expect(started.status).toBe(202);
    // Meanwhile: the hostile source goes, a new generation is synced and activated on this instance.
    await database.prisma.pluginSource.delete({ where: { name: "hostile" } });
    const next = await sync();
    await activateGeneration(next, "test");
    await reloadRuntime(); // the switch it started
    expect(getRuntime().generation).toBe(next);
    expect(getRuntime().registry.get("hostile_ok")).toBeUndefined();
    const result = await waitForRun(p.id, started.body.runId);
    expect(result).toMatchObject({ status: "succeeded", generation });
    expect(result.nodes.map((n) => n.status)).toEqual(["succeeded", "succeeded"]);
    expect(result.nodes[1].outputs).toEqual({ echo: "still here", length: 10 });
    // The next run uses the new generation.
    expect((await run(p.id)).generation).toBe(next);
  }, 30_000);
});
