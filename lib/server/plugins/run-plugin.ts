import "server-only";
import { prepareInputs } from "../../processes/prepare-inputs";
import type { ExecutionResult } from "../../plugins/host/pool";
import { ExpectedError, notFound } from "../errors";
import { getRuntime } from "../runtime/runtime";

/**
 * Runs one plugin of the served generation with the given inputs, for `user` (their share of the plugin hosts).
 * The inputs are checked with the same rules as a process node's at run time (defaults applied, types, required
 * fields, select options, unknown keys): a bad input is a 422 naming the field, and the plugin never sees it.
 */
export async function runPlugin(code: string, version: string | undefined, inputs: Record<string, unknown>, user: string): Promise<ExecutionResult> {
  const { registry, pool } = getRuntime();
  const plugin = registry.get(code, version);
  const location = plugin && registry.locate(plugin.code, plugin.version);
  if (!plugin || !location) throw notFound();
  const checked = prepareInputs(plugin.inputs, inputs, new Map());
  if (!checked.ok) {
    const fields = Object.fromEntries(Object.entries(checked.errors).map(([key, e]) => [`inputs.${key}`, [`editor.inputErrors.${e.key}`, e.values ?? {}] as [string, Record<string, string | number>]]));
    throw new ExpectedError(422, "validation.fields", {}, fields);
  }
  return pool.execute({ ...location, descriptor: plugin, inputs: checked.values, user });
}
