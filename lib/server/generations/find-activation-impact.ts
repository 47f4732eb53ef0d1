import "server-only";
import { diffGenerations, type PluginChange } from "../../plugins/registry/generation-diff";
import { readManifest, type Manifest } from "../../plugins/sync/manifest";
import { pluginRefs } from "../../processes/graph";
import { db } from "../../db";
import { firstLine } from "../../errors";
import { openOwnCache } from "../cache/check-cache-owner";
import { ExpectedError, notFound } from "../errors";
import { graphOf } from "../processes/process-view";
import { getRuntime } from "../runtime/runtime";

/** A saved process that pins a plugin version the target generation does not offer. */
export interface BrokenProcess {
  id: string;
  name: string;
  /** The owner's username (null: the owner was deleted). */
  owner: string | null;
  /** The code@version pairs it uses that go away, in node order. */
  plugins: string[];
}

/** What activating generation `to` would change: the answer of the dialog and of the API's dry run. */
export interface ActivationImpact {
  /** The active generation it is compared with (null: none is active). */
  from: number | null;
  to: number;
  added: PluginChange[];
  removed: PluginChange[];
  changed: PluginChange[];
  /** Plugin versions (code@version) that go away. */
  removedVersions: string[];
  /** Every saved process, whoever owns it, that pins one of them (the caller is an admin). */
  processes: BrokenProcess[];
}

/** A generation's manifest: the copy this instance serves when it is that one, else the cache's. */
async function manifestOf(id: number): Promise<Manifest> {
  const served = getRuntime().loaded?.manifest;
  if (served?.generation === id) return served;
  try {
    return await readManifest(await openOwnCache(), id);
  } catch (err) {
    throw new ExpectedError(409, "plugins.unreadable", { id, reason: firstLine(err) });
  }
}

/**
 * Compares generation `id` with the active one without changing anything (the activation dry run): the plugins it
 * adds, removes and changes, and the saved processes that pin a plugin version it removes. 404 for an unknown or
 * deleted generation; 409 when its manifest cannot be read (then it cannot be activated either).
 */
export async function findActivationImpact(id: number): Promise<ActivationImpact> {
  const prisma = await db();
  const [target, active] = await Promise.all([
    prisma.generation.findUnique({ where: { id }, select: { id: true, status: true } }),
    prisma.generation.findFirst({ where: { status: "active" }, select: { id: true } }),
  ]);
  if (!target || !["ready", "active"].includes(target.status)) throw notFound();
  const [before, after] = await Promise.all([active ? manifestOf(active.id) : null, manifestOf(id)]);
  const diff = diffGenerations(before, after);
  const gone = new Set(diff.removedVersions);
  const processes: BrokenProcess[] = [];
  if (gone.size) {
    const rows = await prisma.process.findMany({
      orderBy: [{ name: "asc" }, { createdAt: "asc" }],
      select: { id: true, name: true, graph: true, owner: { select: { username: true } } },
    });
    for (const row of rows) {
      // A stored graph that does not parse cannot be run on any generation: not this activation's doing.
      let refs: string[];
      try {
        refs = pluginRefs(graphOf(row)).map((r) => `${r.code}@${r.version}`);
      } catch {
        continue;
      }
      const broken = refs.filter((r) => gone.has(r));
      if (broken.length) processes.push({ id: row.id, name: row.name, owner: row.owner?.username ?? null, plugins: broken });
    }
  }
  return { from: active?.id ?? null, to: id, ...diff, processes };
}
