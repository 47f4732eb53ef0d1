import { logLine } from "../../plugins/log-line";
import "server-only";
import type { ActivationPolicy } from "@prisma/client";
import type { SourceResult } from "../../plugins/sync/run-sync";

/** A source whose activation policy kept a run's generation from being activated. */
export interface ActivationBlock {
  source: string;
  policy: Exclude<ActivationPolicy, "always">;
}

/**
 * The rule for combining the sources of one run: a run asked to activate (Sync now, the API, the CLI, release,
 * the scheduler) activates its generation only when EVERY source it synced allows it. "always" allows; "never"
 * refuses (an admin activates the generation on the plugins page); "clean" allows only when that source synced
 * with no failed or carried-over set (its result succeeded or was reused). Sources the run did not sync (a run of
 * some sources only) keep their content, so they have no say. Returns the sources that refused, in run order.
 */
export function activationBlocks(sources: { name: string; activationPolicy: ActivationPolicy }[], results: SourceResult[]): ActivationBlock[] {
  const policyOf = new Map(sources.map((s) => [s.name, s.activationPolicy]));
  return results.flatMap((r): ActivationBlock[] => {
    const policy = policyOf.get(r.name) ?? "always";
    if (policy === "never") return [{ source: r.name, policy }];
    if (policy === "clean" && r.status !== "succeeded" && r.status !== "reused") return [{ source: r.name, policy }];
    return [];
  });
}

/** The run log's line for a generation a policy kept inactive. */
export const blockedLines = (generation: number, blocks: ActivationBlock[]) =>
  blocks.map((b) => logLine("notActivatedPolicy", { id: generation, source: b.source, policy: b.policy }));
