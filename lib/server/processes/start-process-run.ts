import "server-only";
import { db } from "../../db";
import { isPluginNode } from "../../processes/graph";
import { planRun } from "../../processes/run-plan";
import { missingPlugins, validateGraph } from "../../processes/validate-graph";
import { ExpectedError } from "../errors";
import { requestLocale } from "../locale";
import { holdRuntime, type Runtime } from "../runtime/runtime";
import { executeProcessRun } from "./execute-process-run";
import { getProcess } from "./get-process";
import { graphError } from "./graph-error";

export interface StartedRun {
  runId: string;
  /** Settles when the run has finished (never rejects: failures are recorded on the run). */
  done: Promise<void>;
}

/**
 * Starts a run of the saved process (or of one node: "Test node") on the generation served now, and returns as
 * soon as the run and its pending nodes are recorded; the nodes run in the background. Refused (422) when a plugin
 * is missing from the generation (naming every one), or the graph cannot run (not connected, bad references).
 */
export async function startProcessRun(processId: string, opts: { nodeId?: string }, actor: string): Promise<StartedRun> {
  // Held once for the whole run: activating another generation meanwhile changes nothing for it.
  const { runtime, release } = holdRuntime();
  try {
    return await startOnRuntime(processId, opts, actor, runtime, release);
  } catch (err) {
    release();
    throw err;
  }
}

async function startOnRuntime(processId: string, opts: { nodeId?: string }, actor: string, runtime: Runtime, release: () => void): Promise<StartedRun> {
  // Outside a request (a CLI, a test) there is no browser language: the run's messages are in English.
  const locale = await requestLocale().catch(() => "en" as const);
  const { graph } = await getProcess(processId);
  let problems = validateGraph(graph, runtime.registry);
  if (opts.nodeId) {
    const node = graph.nodes.find((n) => n.id === opts.nodeId);
    if (!node || !isPluginNode(node)) throw new ExpectedError(404, "editor.errors.nodeNotFound", { node: opts.nodeId });
    // Testing one node needs only that node to be runnable (the rest may be a draft).
    problems = problems.filter((p) => p.blocks === "save" || (p.nodeId === opts.nodeId && p.code !== "disconnected"));
  }
  const missing = missingPlugins(problems);
  if (missing.length) throw new ExpectedError(422, "editor.errors.missingPlugins", { list: missing.join(", "), count: missing.length });
  if (problems.length) throw graphError(problems);

  const plan = planRun(graph, opts.nodeId);
  const seed = opts.nodeId ? await lastOutputs(processId, [...plan.upstream.get(opts.nodeId)!]) : undefined;
  const byId = new Map(graph.nodes.filter(isPluginNode).map((n) => [n.id, n]));
  const run = await (await db()).processRun.create({
    data: {
      processId,
      generation: runtime.generation,
      actor,
      onlyNode: opts.nodeId ?? null,
      nodes: {
        create: plan.order.map((nodeId, position) => ({ nodeId, position, code: byId.get(nodeId)!.data.code, version: byId.get(nodeId)!.data.version, inputs: {} })),
      },
    },
  });
  const done = executeProcessRun({ runId: run.id, graph, plan, runtime, seed, locale, user: actor }).finally(release);
  return { runId: run.id, done };
}

/** The outputs of each node's latest successful run in this process (what "Test node" resolves references with). */
async function lastOutputs(processId: string, nodeIds: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (!nodeIds.length) return new Map();
  const rows = await (await db()).processRunNode.findMany({
    where: { nodeId: { in: nodeIds }, status: "succeeded", run: { processId } },
    orderBy: { finishedAt: "desc" },
    select: { nodeId: true, outputs: true },
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) if (!out.has(r.nodeId)) out.set(r.nodeId, (r.outputs ?? {}) as Record<string, unknown>);
  return out;
}
