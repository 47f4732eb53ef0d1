import "server-only";
import { db } from "../../db";

/**
 * The version each configured plugin set is set to, by "source/submodule": what the plugins page shows for a set
 * that has no synced copy (a failed set has no manifest entry, but its configuration says what was asked for).
 */
export async function findConfiguredVersions(): Promise<Map<string, string>> {
  const rows = await (await db()).pluginSet.findMany({ select: { submodule: true, version: true, source: { select: { name: true } } } });
  return new Map(rows.map((r) => [`${r.source.name}/${r.submodule}`, r.version]));
}
