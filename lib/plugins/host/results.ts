import type { PluginDescriptor } from "../contract";
import type { CallOutcome } from "./execute-host-process";
import type { Settled } from "./pool";

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  boolean: (v) => typeof v === "boolean",
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  any: () => true,
};

/**
 * The returned value against the declared outputs: it must be an object (`undefined`, i.e. no return value, counts
 * as `{}`); a declared output that is present (not undefined/null) must have its type; a missing one becomes null.
 * Keys that are not declared are kept as returned.
 */
export function checkOutputs(value: unknown, descriptor: Pick<PluginDescriptor, "outputs">): Record<string, unknown> | string {
  if (value === undefined) value = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `execute must return an object (got ${kindOf(value)})`;
  }
  const outputs: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of descriptor.outputs ?? []) {
    const v = outputs[field.key];
    if (v === undefined || v === null) {
      outputs[field.key] = null;
      continue;
    }
    const type = field.type ?? "any";
    const check = TYPE_CHECKS[type] ?? TYPE_CHECKS.any;
    if (!check(v)) {
      const article = type === "array" || type === "object" ? "an" : "a";
      return `output "${field.key}" must be ${article} ${type} (got ${kindOf(v)})`;
    }
  }
  return outputs;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (v === undefined) return "undefined";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** A path to the first function/symbol/… inside `inputs` that structured clone refuses, or null when it clones. */
export function uncloneable(inputs: unknown): string | null {
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return "inputs must be an object";
  try {
    structuredClone(inputs);
    return null;
  } catch (e) {
    return `${findUncloneable(inputs, "inputs", new Set()) ?? "inputs"}: ${firstLine(e)}`;
  }
}

function findUncloneable(v: unknown, at: string, seen: Set<unknown>): string | null {
  if (typeof v === "function" || typeof v === "symbol") return at;
  if (typeof v !== "object" || v === null || seen.has(v)) return null;
  seen.add(v);
  for (const [k, child] of Object.entries(v)) {
    const found = findUncloneable(child, Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`, seen);
    if (found !== null) return found;
  }
  return null;
}

function firstLine(e: unknown): string {
  let text: string;
  try {
    text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } catch {
    text = "unknown error";
  }
  return text.split("\n", 1)[0].trim().slice(0, 500);
}

/** The result of a call from what the host said, or from how it ended and why the pool stopped it. */
export function settle(
  job: { stopped?: "timeout" | "cancelled" | "closed"; timeoutMs: number; descriptor: Pick<PluginDescriptor, "outputs"> },
  outcome: CallOutcome,
  heapMb: number,
  pool: string,
): Settled {
  const logs = outcome.logs;
  const base = { outputs: null, logs };
  if (job.stopped === "timeout") return { ...base, status: "timed_out", error: `timed out after ${job.timeoutMs} ms` };
  if (job.stopped === "closed") return { ...base, status: "failed", error: `cancelled: the execution pool ${pool} was closed` };
  if (job.stopped === "cancelled") return { ...base, status: "cancelled", error: "cancelled" };
  if (outcome.kind === "ended") {
    if (outcome.outOfMemory) return { ...base, status: "crashed", error: `the plugin exceeded the memory limit (${heapMb} MB)` };
    return { ...base, status: "crashed", error: outcome.message };
  }
  const r = outcome.result;
  if ("timedOut" in r) return { ...base, status: "timed_out", error: `timed out after ${job.timeoutMs} ms` };
  if ("error" in r) {
    const { name, message, stack } = r.error;
    return { ...base, status: "failed", error: name && name !== "Error" ? `${name}: ${message}` : message, stack };
  }
  const checked = checkOutputs(r.outputs, job.descriptor);
  if (typeof checked === "string") return { ...base, status: "failed", error: checked };
  return { status: "succeeded", outputs: checked, logs, error: null };
}
