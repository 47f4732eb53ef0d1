import "server-only";
import { Prisma } from "@prisma/client";
import { db } from "../../db";
import { translator, type Locale } from "../../i18n";
import { childLogger, scrub } from "../../log";
import { credentialIds } from "../../processes/credential-ref";
import type { InputError } from "../../processes/input-schema";
import { prepareInputs } from "../../processes/prepare-inputs";
import { textOf, type RegistryPlugin } from "../../plugins/registry/registry";
import type { ExecutionResult } from "../../plugins/host/pool";
import { openCredentials } from "../credentials/open-credentials";
import type { NodeJobData } from "../jobs/queue";
import { holdGeneration } from "../runtime/runtime";
import { enqueueReadyAfter, finishRunIfDone, skipDownstream } from "./advance-run";
import { claimNode, recordOutcome, type NodeOutcome } from "./claim-node";
import { sql } from "../jobs/sql";

/** What a secret input's value is recorded as in a run. */
export const MASK = "••••••";

/** "done": the job is complete; "retry": this attempt failed and the node's retry policy allows another. */
export type JobOutcome = "done" | "retry";

export interface NodeJobContext {
  /** This instance's name, recorded on the node. */
  instance: string;
  /** Watches the run while the node executes: the controller is aborted when the run is cancelled. */
  watch(runId: string, controller: AbortController): () => void;
}

type T = (key: string, values?: Record<string, string | number>) => string;

/**
 * Executes one node job on this instance: claims the node for this attempt (a write from an older attempt, e.g. of
 * an instance taken for dead, is ignored from then on), resolves its inputs from the outputs of the nodes before it
 * and its credential references (decrypted here, for this call only), calls the plugin in a host of the run's
 * pinned generation, records the outcome with secrets scrubbed and masked, then moves the run on. Never throws.
 */
export async function executeNodeJob(data: NodeJobData, retryCount: number, ctx: NodeJobContext): Promise<JobOutcome> {
  const { runId, nodeId } = data;
  const attempt = retryCount + 1;
  const prisma = await db();
  const node = await claimNode(runId, nodeId, attempt, ctx.instance);
  // Done already (a duplicate delivery), cancelled, or the run was deleted.
  if (!node) return "done";
  const finish = (o: NodeOutcome) => recordOutcome(runId, nodeId, attempt, o);
  const run = { status: node.runStatus, generation: node.generation, locale: node.locale, actor: node.actor, seed: node.seed, ownerId: node.ownerId };
  if (run.status !== "running") {
    await finish({ status: "cancelled", error: null });
    return "done";
  }
  const locale = (run.locale === "zh-CN" ? "zh-CN" : "en") as Locale;
  const t = translator(locale) as unknown as T;
  const log = childLogger({ runId, nodeId, generation: run.generation });
  const fail = async (error: string) => {
    if (await finish({ status: "failed", error })) await afterFailure(runId, nodeId, locale);
    return "done" as const;
  };
  try {
    const held = await holdGeneration(run.generation).catch((err: Error) => err);
    if (held instanceof Error) return await fail(t("editor.runView.generationGone", { id: run.generation ?? 0, error: held.message }));
    try {
      const { runtime } = held;
      const plugin = runtime.registry.get(node.code, node.version);
      const location = runtime.registry.locate(node.code, node.version);
      if (!plugin || !location) return await fail(t("editor.runView.pluginMissing", { plugin: `${node.code}@${node.version}` }));

      const spec = (node.spec ?? {}) as Record<string, unknown>;
      // Who may open the node's credentials: the run's starter and the process owner (read only when it has any).
      const starters = credentialIds([spec]).length
        ? await prisma.user.findMany({ where: { OR: [{ username: run.actor }, ...(run.ownerId ? [{ id: run.ownerId }] : [])] }, select: { id: true, role: true } })
        : [];
      const opened = await openCredentials(spec, starters);
      if (!opened.ok) return await fail(t(opened.key, { input: labelOf(plugin, opened.input, locale) }));
      const outputs = await upstreamOutputs(runId, node.upstream, run.seed);
      const prepared = prepareInputs(plugin.inputs, opened.values, outputs);
      const clean = (text: string) => scrub(text, opened.secrets);
      if (!prepared.ok) {
        const list = Object.entries(prepared.errors).map(([key, e]) => `${labelOf(plugin, key, locale)}: ${inputMessage(t, e)}`).join("; ");
        return await fail(clean(t("editor.runView.invalidInputs", { list })));
      }

      const controller = new AbortController();
      const unwatch = ctx.watch(runId, controller);
      let result: ExecutionResult;
      try {
        result = await runtime.pool.execute({ ...location, descriptor: plugin, inputs: prepared.values, runId, nodeId, user: run.actor, signal: controller.signal });
      } catch (err) {
        result = { status: "failed", outputs: null, logs: [], error: (err as Error).message, durationMs: 0 };
      } finally {
        unwatch();
      }
      // Plugin code may echo a secret into its logs, outputs or error: none of it is stored.
      const recorded = {
        // Written with the outcome, not before the call: one write fewer between two nodes.
        inputs: scrubbed(masked(plugin, prepared.values), opened.secrets),
        logs: result.logs.map(clean),
        outputs: result.outputs === null ? null : scrubbed(result.outputs, opened.secrets),
        durationMs: Math.round(result.durationMs),
      };
      const error = result.status === "failed" ? clean(result.error ?? result.status) : `${result.status}: ${clean(result.error ?? "")}`;
      if (controller.signal.aborted || result.status === "cancelled") {
        await finish({ status: "cancelled", ...recorded, error: t("editor.runView.cancelled") });
        await finishRunIfDone(runId);
        return "done";
      }
      if (result.status === "succeeded") {
        // A node enqueued after it means the run goes on: no need to ask whether it has ended.
        if ((await finish({ status: "succeeded", ...recorded, error: null })) && !(await enqueueReadyAfter(runId, node.next))) await finishRunIfDone(runId);
        return "done";
      }
      if (attempt <= node.retries) {
        // Back in the queue: pg-boss runs the next attempt (on whichever instance fetches it first).
        await finish({ status: "queued", ...recorded, error: t("editor.runView.attemptFailed", { attempt, error }) });
        return "retry";
      }
      if (await finish({ status: "failed", ...recorded, error })) await afterFailure(runId, nodeId, locale);
      return "done";
    } finally {
      held.release();
    }
  } catch (err) {
    log.error({ err }, "process node failed unexpectedly");
    return fail(t("editor.runView.crashed", { error: (err as Error)?.message ?? String(err) })).catch(() => "done" as const);
  }
}

/** A node failed for good: what depends on it is skipped, and the run ends if nothing else is left. */
export async function afterFailure(runId: string, nodeId: string, locale: Locale): Promise<void> {
  await skipDownstream(runId, nodeId, locale);
  await finishRunIfDone(runId);
}

/** Outputs of the succeeded nodes upstream of a node in this run, over those a "Test node" run borrowed. */
async function upstreamOutputs(runId: string, upstream: string[], seed: Prisma.JsonValue | null): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map(Object.entries((seed ?? {}) as Record<string, Record<string, unknown>>));
  if (!upstream.length) return out;
  const rows = await (await sql()).query<{ nodeId: string; outputs: Record<string, unknown> | null }>(
    `SELECT "nodeId", "outputs" FROM "ProcessRunNode" WHERE "runId" = $1 AND "nodeId" = ANY($2::text[]) AND "status" = 'succeeded'`,
    [runId, upstream],
  );
  for (const r of rows) out.set(r.nodeId, r.outputs ?? {});
  return out;
}

const labelOf = (plugin: RegistryPlugin, key: string, locale: string) => {
  const field = plugin.inputs.find((f) => f.key === key);
  return field ? textOf(field.label, locale) : key;
};

const inputMessage = (t: T, e: InputError) => t(`editor.inputErrors.${e.key}`, e.values ?? {});

/** Input values with every given secret replaced by MASK. */
export function masked(plugin: Pick<RegistryPlugin, "inputs">, values: Record<string, unknown>): Prisma.InputJsonValue {
  const secrets = new Set(plugin.inputs.filter((f) => f.type === "secret").map((f) => f.key));
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secrets.has(k) && v !== "" && v != null ? MASK : v])) as Prisma.InputJsonValue;
}

/**
 * A JSON value with every secret value cut out of its strings (keys included). Only the exact values: outputs flow
 * into later nodes, so the log scrubber's general patterns (URL credentials, `token=`) would change data.
 */
function scrubbed(value: unknown, secrets: string[]): unknown {
  if (!secrets.length) return value;
  const cut = (s: string) => secrets.reduce((acc, secret) => (secret ? acc.split(secret).join("[redacted]") : acc), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return cut(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [cut(k), walk(x)]));
    return v;
  };
  return walk(value);
}
