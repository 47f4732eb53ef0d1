import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as processesApi from "@/app/api/processes/route";
import * as processApi from "@/app/api/processes/[id]/route";
import * as runsApi from "@/app/api/processes/[id]/runs/route";
import * as runApi from "@/app/api/processes/[id]/runs/[runId]/route";
import * as cancelApi from "@/app/api/processes/[id]/runs/[runId]/cancel/route";
import * as sharesApi from "@/app/api/processes/[id]/shares/route";
import { deleteProcessAction, saveProcessAction, shareProcessAction } from "@/app/editor/actions";
import type { Graph } from "@/lib/processes/graph";
import { startRunWorkers, stopRunWorkers } from "@/lib/server/jobs/job-worker";
import { stopQueue } from "@/lib/server/jobs/queue";
import type { ProcessDetail, ProcessRunView, ProcessSummary } from "@/lib/server/processes/process-view";
import type { ProcessRunSummary } from "@/lib/server/processes/find-process-runs";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { jsonRequest, routeCtx, signInAs, signInAsUser } from "@/lib/test/auth";
import { createTestDatabase } from "@/lib/test/database";

/**
 * Processes are owned: the owner shares them as viewer or editor, admins see all, anyone else gets 404 — for the
 * process and for its runs. Every check is on the server (route handlers and server actions alike), every change
 * is audited, and one user's processes and run starts are capped.
 */

type Handler = (r: Request, c: ReturnType<typeof routeCtx>) => Promise<Response>;
const at = { x: 0, y: 0 };
const sleepGraph = (ms: number): Graph => ({
  nodes: [
    { id: "start", type: "start", position: at },
    { id: "nap", type: "plugin", position: at, data: { code: "builtin_sleep", version: "1.0.0", inputs: { ms } } },
    { id: "end", type: "end", position: at },
  ],
  edges: [
    { id: "a", source: "start", target: "nap" },
    { id: "b", source: "nap", target: "end" },
  ],
});

describe("ownership and sharing of processes", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    process.env.PROCESS_MAX_PER_USER = "4";
    process.env.PROCESS_RUNS_PER_MINUTE = "3";
    database = await createTestDatabase();
    await startRunWorkers();
  });
  afterAll(async () => {
    delete process.env.PROCESS_MAX_PER_USER;
    delete process.env.PROCESS_RUNS_PER_MINUTE;
    await stopRunWorkers();
    await stopQueue();
    await getRuntime().pool.close({ force: true });
    await database.close();
  });

  async function call<T = Record<string, unknown>>(handler: Handler, method: string, params: Record<string, string> = {}, body?: unknown, query = "") {
    const res = await handler(jsonRequest(method, `/api/processes${query}`, body), routeCtx(params));
    return { status: res.status, body: (await res.json()) as T };
  }
  const runTo = async (id: string, runId: string, status: string) =>
    expect.poll(async () => (await call<ProcessRunView>(runApi.GET, "GET", { id, runId })).body.status, { timeout: 30_000, interval: 50 }).toBe(status);

  it("member B gets 404 for member A's unshared process and its runs; a viewer cannot edit; an editor cannot delete or share; admins see all", async () => {
    const a = await signInAs("member");
    const p = (await call<ProcessDetail>(processesApi.POST, "POST", {}, { name: "A's process" })).body;
    expect(p).toMatchObject({ owner: a.username, access: "owner" });
    const saved = (await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: p.version, graph: sleepGraph(1) })).body;
    const { runId } = (await call<{ runId: string }>(runsApi.POST, "POST", { id: p.id }, {})).body;
    await runTo(p.id, runId, "succeeded");

    const b = await signInAs("member");
    expect((await call<ProcessSummary[]>(processesApi.GET, "GET")).body).toEqual([]);
    const attempts: [Handler, string, Record<string, string>, unknown?][] = [
      [processApi.GET, "GET", { id: p.id }],
      [processApi.PUT, "PUT", { id: p.id }, { version: saved.version, name: "mine now" }],
      [processApi.DELETE, "DELETE", { id: p.id }],
      [runsApi.GET, "GET", { id: p.id }],
      [runsApi.POST, "POST", { id: p.id }, {}],
      [runApi.GET, "GET", { id: p.id, runId }],
      [cancelApi.POST, "POST", { id: p.id, runId }],
      [sharesApi.GET, "GET", { id: p.id }],
      [sharesApi.PUT, "PUT", { id: p.id }, { username: b.username, role: "editor" }],
    ];
    for (const [handler, method, params, body] of attempts) expect((await call(handler, method, params, body)).status, `${method} ${JSON.stringify(params)}`).toBe(404);
    // Server actions check the same way.
    expect(await deleteProcessAction(p.id)).toMatchObject({ ok: false, status: 404 });
    expect(await shareProcessAction(p.id, { username: b.username, role: "editor" })).toMatchObject({ ok: false, status: 404 });

    const editor = await signInAs("member");
    await signInAsUser(a);
    expect((await call(sharesApi.PUT, "PUT", { id: p.id }, { username: b.username, role: "viewer" })).status).toBe(200);
    const shares = await call<{ username: string; role: string }[]>(sharesApi.PUT, "PUT", { id: p.id }, { username: editor.username, role: "editor" });
    expect(shares.body.map((s) => [s.username, s.role]).sort()).toEqual([[b.username, "viewer"], [editor.username, "editor"]].sort());
    expect((await call<{ fieldErrors: object }>(sharesApi.PUT, "PUT", { id: p.id }, { username: a.username, role: "viewer" })).body.fieldErrors).toEqual({ username: `${a.username} owns it already.` });
    expect((await call<{ fieldErrors: object }>(sharesApi.PUT, "PUT", { id: p.id }, { username: "x", role: "admin" })).status).toBe(422);

    await signInAsUser(b);
    expect((await call<ProcessDetail>(processApi.GET, "GET", { id: p.id })).body.access).toBe("viewer");
    expect((await call<ProcessRunSummary[]>(runsApi.GET, "GET", { id: p.id })).body.map((r) => r.id)).toEqual([runId]);
    const viewerSave = await call<{ error: string }>(processApi.PUT, "PUT", { id: p.id }, { version: saved.version, name: "renamed by viewer" });
    expect(viewerSave).toEqual({ status: 403, body: { error: "Your access (viewer) does not allow this. Ask the owner." } });
    expect(await saveProcessAction(p.id, { version: saved.version, name: "renamed by viewer" })).toMatchObject({ ok: false, status: 403 });
    expect((await call(runsApi.POST, "POST", { id: p.id }, {})).status).toBe(403);
    expect((await call(processApi.DELETE, "DELETE", { id: p.id })).status).toBe(403);

    await signInAsUser(editor);
    const renamed = await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: saved.version, name: "renamed by editor" });
    expect(renamed).toMatchObject({ status: 200, body: { name: "renamed by editor", access: "editor", owner: a.username } });
    expect((await call(processApi.DELETE, "DELETE", { id: p.id })).status).toBe(403);
    expect((await call(sharesApi.PUT, "PUT", { id: p.id }, { username: b.username, role: "editor" })).status).toBe(403);
    expect((await call(sharesApi.GET, "GET", { id: p.id })).status).toBe(403);
    const { runId: second } = (await call<{ runId: string }>(runsApi.POST, "POST", { id: p.id }, { rerunOf: runId })).body;
    await runTo(p.id, second, "succeeded");

    await signInAs("admin");
    expect((await call<ProcessSummary[]>(processesApi.GET, "GET")).body.map((x) => [x.name, x.access])).toEqual([["renamed by editor", "owner"]]);
    await signInAsUser(a);
    expect((await call(sharesApi.PUT, "PUT", { id: p.id }, { username: b.username, role: "none" })).status).toBe(200);
    await signInAsUser(b);
    expect((await call(processApi.GET, "GET", { id: p.id })).status).toBe(404);
    await signInAsUser(a);
    expect((await call(processApi.DELETE, "DELETE", { id: p.id })).status).toBe(200);
  });

  it("history newest first with a status filter; re-run with the same inputs; cancel ends a running run; every change is audited with a readable diff", async () => {
    const owner = await signInAs("member");
    const p = (await call<ProcessDetail>(processesApi.POST, "POST", {}, { name: "audited" })).body;
    const v2 = (await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: p.version, graph: sleepGraph(5) })).body;
    const { runId: quick } = (await call<{ runId: string }>(runsApi.POST, "POST", { id: p.id }, {})).body;
    await runTo(p.id, quick, "succeeded");
    // The process changes; a re-run still uses the inputs the run had.
    const v3 = (await call<ProcessDetail>(processApi.PUT, "PUT", { id: p.id }, { version: v2.version, graph: sleepGraph(20_000) })).body;
    const { runId: again } = (await call<{ runId: string }>(runsApi.POST, "POST", { id: p.id }, { rerunOf: quick })).body;
    await runTo(p.id, again, "succeeded");
    expect((await call<ProcessRunView>(runApi.GET, "GET", { id: p.id, runId: again })).body).toMatchObject({ rerunOf: quick, nodes: [{ inputs: { ms: 5 }, outputs: { sleptMs: 5 } }] });

    const { runId: long } = (await call<{ runId: string }>(runsApi.POST, "POST", { id: p.id }, {})).body;
    await expect.poll(async () => (await call<ProcessRunView>(runApi.GET, "GET", { id: p.id, runId: long })).body.nodes[0].status, { timeout: 30_000, interval: 50 }).toBe("running");
    const cancelled = await call<ProcessRunView>(cancelApi.POST, "POST", { id: p.id, runId: long });
    expect(cancelled).toMatchObject({ status: 200, body: { status: "cancelled", cancelledBy: owner.username } });
    await expect.poll(async () => (await call<ProcessRunView>(runApi.GET, "GET", { id: p.id, runId: long })).body.nodes[0].status, { timeout: 30_000, interval: 50 }).toBe("cancelled");
    expect((await call<ProcessRunView>(runApi.GET, "GET", { id: p.id, runId: long })).body.nodes[0].outputs).toBeNull();
    expect((await call<{ error: string }>(cancelApi.POST, "POST", { id: p.id, runId: long })).body).toEqual({ error: "This run has already ended." });

    // Three runs started within the minute: the cap (3) is reached.
    expect((await call<{ error: string }>(runsApi.POST, "POST", { id: p.id }, {}))).toEqual({ status: 429, body: { error: "You started 3 runs in the last minute, the most allowed. Try again in a minute." } });

    const all = (await call<ProcessRunSummary[]>(runsApi.GET, "GET", { id: p.id })).body;
    expect(all.map((r) => r.id)).toEqual([long, again, quick]);
    expect(all[0]).toMatchObject({ status: "cancelled", nodes: { cancelled: 1 } });
    expect((await call<ProcessRunSummary[]>(runsApi.GET, "GET", { id: p.id }, undefined, "?status=succeeded")).body.map((r) => r.id)).toEqual([again, quick]);
    expect((await call<ProcessRunSummary[]>(runsApi.GET, "GET", { id: p.id }, undefined, "?status=cancelled")).body.map((r) => r.id)).toEqual([long]);
    expect(await call(runsApi.GET, "GET", { id: p.id }, undefined, "?status=stuck")).toEqual({ status: 422, body: { error: "Some fields need a change: see the message beside each.", fieldErrors: { status: "Choose one of the offered values." } } });

    await call(processApi.DELETE, "DELETE", { id: p.id });
    const events = await database.prisma.auditEvent.findMany({ where: { targetId: p.id }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["process.create", "process.edit", "process.run", "process.edit", "process.run", "process.run", "process.cancel", "process.delete"]);
    expect(events.every((e) => e.actor === owner.username && e.targetName === "audited")).toBe(true);
    expect(events[1].summary).toMatchObject({ "nodes.nap.plugin": { from: null, to: "builtin_sleep@1.0.0" }, "nodes.nap.inputs.ms": { from: null, to: 5 }, edges: { from: "", to: "nap → end, start → nap" } });
    expect(events[3].summary).toEqual({ "nodes.nap.inputs.ms": { from: 5, to: 20_000 } });
    expect(events[4].summary).toEqual({ run: again, rerunOf: quick });
    expect(v3.version).toBe(3);
  });

  it("a user owns at most PROCESS_MAX_PER_USER processes", async () => {
    await signInAs("member");
    for (let i = 0; i < 4; i++) expect((await call(processesApi.POST, "POST", {}, { name: `p${i}` })).status).toBe(201);
    expect(await call(processesApi.POST, "POST", {}, { name: "one too many" })).toEqual({ status: 409, body: { error: "You own 4 processes, the most one user may have. Delete one first." } });
    // Names are per owner: another user may use the same one.
    await signInAs("member");
    expect((await call(processesApi.POST, "POST", {}, { name: "p0" })).status).toBe(201);
  });
});
