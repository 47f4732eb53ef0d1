import "server-only";
import { db } from "../../db";
import { pluginRefs } from "../../processes/graph";
import { graphOf } from "./process-view";

/** A saved process that uses a plugin, and which of its versions. */
export interface PluginUser {
  id: string;
  name: string;
  owner: string | null;
  /** The versions of the plugin its nodes pin, in node order. */
  versions: string[];
}

/**
 * Every saved process (whoever owns it: admins only) with a node of plugin `code`, by name. Graphs are read and
 * parsed here (they are JSON columns): fine for thousands of processes; a stored graph that does not parse is
 * skipped, as it names no plugin one could rely on.
 */
export async function findPluginUsers(code: string): Promise<PluginUser[]> {
  const rows = await (await db()).process.findMany({
    orderBy: [{ name: "asc" }, { createdAt: "asc" }],
    select: { id: true, name: true, graph: true, owner: { select: { username: true } } },
  });
  const out: PluginUser[] = [];
  for (const row of rows) {
    let versions: string[];
    try {
      versions = pluginRefs(graphOf(row)).filter((r) => r.code === code).map((r) => r.version);
    } catch {
      continue;
    }
    if (versions.length) out.push({ id: row.id, name: row.name, owner: row.owner?.username ?? null, versions });
  }
  return out;
}
