import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "../../db";
import { firstLine } from "../../errors";
import { translator, type Locale } from "../../i18n";
import { childLogger } from "../../log";
import type { InputError } from "../../processes/input-schema";
import { isPluginNode, type Graph } from "../../processes/graph";
import { prepareInputs } from "../../processes/prepare-inputs";
import { executePlan, type NodeOutcome, type RunPlan } from "../../processes/run-plan";
import type { Outputs } from "../../processes/templates";
import { textOf, type RegistryPlugin } from "../../plugins/registry/registry";
import type { ExecutionRequest, ExecutionResult } from "../../plugins/host/pool";
import type { Runtime } from "../runtime/runtime";

/** What a secret input's value is recorded as in a run. */
export const MASK = "••••••";

export interface RunContext {
  runId: string;
  graph: Graph;
  plan: RunPlan;
  /** The runtime captured when the run started: its registry and pool serve every node of the run. */
  runtime: Pick<Runtime, "generation" | "registry" | "pool">;
  /** Outputs of earlier runs ("Test node"). */
  seed?: Outputs;
  /** The language of the messages written on the run (the starter's). */
  locale: Locale;
  /** Who started the run: its share of the plugin hosts is theirs (fair between users). */
  user: string;
}

/**
 * Runs the plan's nodes one after another in the plugin hosts of its runtime, writing each node's status, inputs (secrets
 * masked), outputs, logs, error and duration as it goes, then the run's status. Never throws: an unexpected error
 * fails the run (and its unfinished nodes) with the message.
 */
export async function executeProcessRun(ctx: RunContext): Promise<void> {
  const prisma = await db();
  const { runId, runtime } = ctx;
  const log = childLogger({ runId, generation: runtime.generation });
  const t = translator(ctx.locale) as unknown as (key: string, values?: Record<string, string | number>) => string;
  const nodes = new Map(ctx.graph.nodes.filter(isPluginNode).map((n) => [n.id, n]));
  const update = (nodeId: string, data: Prisma.ProcessRunNodeUpdateManyMutationInput) => prisma.processRunNode.updateMany({ where: { runId, nodeId }, data });

  // The run holds its runtime (start-process-run.ts): the pool stays open even if another generation is activated.
  const execute = (req: ExecutionRequest): Promise<ExecutionResult> => runtime.pool.execute(req);

  async function runNode(nodeId: string, outputs: Outputs): Promise<NodeOutcome> {
    const node = nodes.get(nodeId)!;
    const plugin = runtime.registry.get(node.data.code, node.data.version);
    const location = runtime.registry.locate(node.data.code, node.data.version);
    const startedAt = new Date();
    if (!plugin || !location) {
      await update(nodeId, { status: "failed", error: t("editor.runView.pluginMissing", { plugin: `${node.data.code}@${node.data.version}` }), startedAt, finishedAt: startedAt });
      return { status: "failed" };
    }
    const prepared = prepareInputs(plugin.inputs, node.data.inputs, outputs);
    if (!prepared.ok) {
      const list = Object.entries(prepared.errors).map(([key, e]) => `${labelOf(plugin, key, ctx.locale)}: ${inputMessage(t, e)}`).join("; ");
      await update(nodeId, { status: "failed", inputs: masked(plugin, node.data.inputs), error: t("editor.runView.invalidInputs", { list }), startedAt, finishedAt: startedAt, durationMs: 0 });
      return { status: "failed" };
    }
    await update(nodeId, { status: "running", inputs: masked(plugin, prepared.values), startedAt });
    let result: ExecutionResult;
    try {
      result = await execute({ ...location, descriptor: plugin, inputs: prepared.values, runId, nodeId, user: ctx.user });
    } catch (err) {
      result = { status: "failed", outputs: null, logs: [], error: (err as Error).message, durationMs: Date.now() - startedAt.getTime() };
    }
    const ok = result.status === "succeeded";
    await update(nodeId, {
      status: ok ? "succeeded" : "failed",
      outputs: result.outputs === null ? Prisma.DbNull : (result.outputs as Prisma.InputJsonValue),
      logs: result.logs,
      error: ok ? null : result.status === "failed" ? (result.error ?? result.status) : `${result.status}: ${result.error ?? ""}`,
      durationMs: Math.round(result.durationMs),
      finishedAt: new Date(),
    });
    return ok ? { status: "succeeded", outputs: result.outputs } : { status: "failed" };
  }

  try {
    const { status } = await executePlan(ctx.plan, {
      seed: ctx.seed,
      run: runNode,
      skip: async (nodeId, failed) => {
        await update(nodeId, { status: "skipped", error: t("editor.runView.skipped", { node: failed }), finishedAt: new Date() });
      },
    });
    await prisma.processRun.update({ where: { id: runId }, data: { status, finishedAt: new Date() } });
  } catch (err) {
    log.error({ err }, "process run failed unexpectedly");
    const error = t("editor.runView.crashed", { error: (err as Error)?.message ?? String(err) });
    const noted = (what: string) => (e: unknown) => log.error(`could not mark ${what} failed in the database: ${firstLine(e)}`);
    await prisma.processRunNode.updateMany({ where: { runId, status: { in: ["pending", "running"] } }, data: { status: "failed", error, finishedAt: new Date() } }).catch(noted("the run's unfinished nodes"));
    await prisma.processRun.update({ where: { id: runId }, data: { status: "failed", error, finishedAt: new Date() } }).catch(noted("the run"));
  }
}

const labelOf = (plugin: RegistryPlugin, key: string, locale: string) => {
  const field = plugin.inputs.find((f) => f.key === key);
  return field ? textOf(field.label, locale) : key;
};

const inputMessage = (t: (key: string, values?: Record<string, string | number>) => string, e: InputError) => t(`editor.inputErrors.${e.key}`, e.values ?? {});

/** Input values with every given secret replaced by MASK. */
export function masked(plugin: Pick<RegistryPlugin, "inputs">, values: Record<string, unknown>): Prisma.InputJsonValue {
  const secrets = new Set(plugin.inputs.filter((f) => f.type === "secret").map((f) => f.key));
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secrets.has(k) && v !== "" && v != null ? MASK : v])) as Prisma.InputJsonValue;
}
