import "server-only";
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { isPluginNode, ZGraph, type Graph } from "../../processes/graph";
import { firstNodes, planRun } from "../../processes/run-plan";
import { missingPlugins, validateGraph } from "../../processes/validate-graph";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { checkRunCredentials } from "../credentials/check-credential-refs";
import { ExpectedError, notFound } from "../errors";
import { enqueueNodes, prismaQuery, wakeWorkers } from "../jobs/queue";
import { runSettings } from "../jobs/run-settings";
import { requestLocale } from "../locale";
import { getRuntime } from "../runtime/runtime";
import { finishRunIfDone } from "./advance-run";
import { getProcess } from "./get-process";
import { graphError } from "./graph-error";

export interface StartRunOptions {
  /** Only this node ("Test node"). */
  nodeId?: string;
  /** Repeat this earlier run: its graph (node inputs) and its node choice, on the generation served now. */
  rerunOf?: string;
}

/**
 * Starts a run of the saved process (or of one node: "Test node", or again with an earlier run's inputs: "Re-run")
 * on the generation served now, pinned for the whole run. The run, its nodes and the jobs of its first nodes are
 * written in one transaction; any instance then executes them. Owner, editors and admins only; refused (422) when
 * a plugin is missing from the generation (naming every one), a credential is not usable, or the graph cannot run;
 * 429 beyond PROCESS_RUNS_PER_MINUTE runs a user started in the last minute.
 */
export async function startProcessRun(processId: string, opts: StartRunOptions, user: SessionUser): Promise<{ runId: string }> {
  const process = await getProcess(processId, user, "editor");
  const locale = await requestLocale().catch(() => "en" as const);
  const prisma = await db();
  let graph: Graph = process.graph;
  let nodeId = opts.nodeId;
  if (opts.rerunOf) {
    const earlier = await prisma.processRun.findFirst({ where: { id: opts.rerunOf, processId }, select: { graph: true, onlyNode: true } });
    if (!earlier) throw notFound();
    const parsed = ZGraph.safeParse(earlier.graph);
    // Runs recorded before runs kept their graph: the process as it is now.
    if (parsed.success && parsed.data.nodes.length) graph = parsed.data;
    nodeId = earlier.onlyNode ?? undefined;
  }
  const runtime = getRuntime();
  let problems = validateGraph(graph, runtime.registry);
  if (nodeId) {
    const node = graph.nodes.find((n) => n.id === nodeId);
    if (!node || !isPluginNode(node)) throw new ExpectedError(404, "editor.errors.nodeNotFound", { node: nodeId });
    // Testing one node needs only that node to be runnable (the rest may be a draft).
    problems = problems.filter((p) => p.blocks === "save" || (p.nodeId === nodeId && p.code !== "disconnected"));
  }
  const missing = missingPlugins(problems);
  if (missing.length) throw new ExpectedError(422, "editor.errors.missingPlugins", { list: missing.join(", "), count: missing.length });
  if (problems.length) throw graphError(problems);
  const owner = process.owner ? await prisma.user.findUnique({ where: { username: process.owner }, select: { id: true, role: true } }) : null;
  await checkRunCredentials(graph, [user, ...(owner ? [owner] : [])], nodeId);

  const plan = planRun(graph, nodeId);
  const seed = nodeId ? await lastOutputs(processId, [...plan.upstream.get(nodeId)!]) : null;
  const byId = new Map(graph.nodes.filter(isPluginNode).map((n) => [n.id, n]));
  const first = new Set(firstNodes(plan));
  const max = runSettings().runsPerMinute;
  const runId = await prisma.$transaction(async (tx) => {
    // One user's starts are serialised, so two at once cannot both pass the rate limit.
    await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${user.id} FOR UPDATE`;
    const recent = await tx.processRun.count({ where: { actor: user.username, startedAt: { gt: new Date(Date.now() - 60_000) } } });
    if (recent >= max) throw new ExpectedError(429, "errors.runLimit", { max });
    const run = await tx.processRun.create({
      data: { processId, generation: runtime.generation, actor: user.username, onlyNode: nodeId ?? null, graph: graph as Prisma.InputJsonObject, locale, rerunOf: opts.rerunOf ?? null, ...(seed ? { seed } : {}) },
    });
    // One statement for all node rows (a 1,000-node run: Prisma's createMany spent ~0.5 s of CPU on them).
    const rows = plan.order.map((id, position) => {
      const n = byId.get(id)!;
      return { id: randomUUID(), nodeId: id, position, code: n.data.code, version: n.data.version, spec: n.data.inputs, upstream: [...plan.upstream.get(id)!], next: plan.next.get(id)!, retries: n.data.retries ?? 0, status: first.has(id) ? "queued" : "pending" };
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO "ProcessRunNode" ("id", "runId", "nodeId", "position", "code", "version", "inputs", "spec", "upstream", "next", "retries", "status")
       SELECT r."id", $1, r."nodeId", r."position", r."code", r."version", '{}'::jsonb, r."spec", ARRAY(SELECT jsonb_array_elements_text(r."upstream")),
              ARRAY(SELECT jsonb_array_elements_text(r."next")), r."retries", r."status"::"NodeRunStatus"
       FROM jsonb_to_recordset($2::jsonb) AS r("id" text, "nodeId" text, "position" int, "code" text, "version" text, "spec" jsonb, "upstream" jsonb, "next" jsonb, "retries" int, "status" text)`,
      run.id,
      JSON.stringify(rows),
    );
    await enqueueNodes(prismaQuery(tx), [...first].map((id) => ({ runId: run.id, nodeId: id, retries: byId.get(id)!.data.retries ?? 0 })));
    await recordAudit(tx, { actor: user.username, action: "process.run", targetType: "process", targetId: processId, targetName: process.name, summary: { run: run.id, ...(nodeId ? { node: nodeId } : {}), ...(opts.rerunOf ? { rerunOf: opts.rerunOf } : {}) } });
    return run.id;
  });
  wakeWorkers();
  // A run without plugin nodes has nothing to wait for.
  if (!plan.order.length) await finishRunIfDone(runId);
  return { runId };
}

/** The outputs of each node's latest successful run in this process (what "Test node" resolves references with). */
async function lastOutputs(processId: string, nodeIds: string[]): Promise<Record<string, Prisma.InputJsonObject>> {
  if (!nodeIds.length) return {};
  const rows = await (await db()).processRunNode.findMany({
    where: { nodeId: { in: nodeIds }, status: "succeeded", run: { processId } },
    orderBy: { finishedAt: "desc" },
    select: { nodeId: true, outputs: true },
  });
  const out: Record<string, Prisma.InputJsonObject> = {};
  for (const r of rows) if (!(r.nodeId in out)) out[r.nodeId] = (r.outputs ?? {}) as Prisma.InputJsonObject;
  return out;
}
