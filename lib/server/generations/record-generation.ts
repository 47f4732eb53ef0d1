import "server-only";
import { db } from "../../db";
import { offeredPlugins } from "../../plugins/registry/generation-diff";
import type { Manifest } from "../../plugins/sync/manifest";

/**
 * The states a sync records on its generation: created ("building") when the run starts, then ready (its manifest
 * is in the cache) or failed, or discarded when the run made nothing new. Activation is activate-generation.ts; removal is collect-garbage.ts.
 */

/** A new generation in `cacheLocation`, before anything is written to the cache; returns its id (= its number). */
export async function createGeneration(cacheLocation: string): Promise<number> {
  return (await (await db()).generation.create({ data: { cacheLocation } })).id;
}

/**
 * The generation's manifest is in the cache: it may be activated. Its counts are what the plugins page and the
 * sync run list: `plugins` is the plugin versions it offers from its sources (clashes left out, built-ins not
 * counted), the same number the plugins page gives for the generation it serves.
 */
export async function markGenerationReady(id: number, manifest: Manifest): Promise<void> {
  const plugins = offeredPlugins(manifest).size;
  const problems = manifest.failed.length + manifest.clashes.length + manifest.sets.filter((s) => s.status === "carried_over").length;
  await (await db()).generation.update({ where: { id }, data: { status: "ready", readyAt: new Date(), plugins, sets: manifest.sets.length, problems } });
}

/** The run that built it failed or was abandoned: it is never activated (its manifest, if any, is not trusted). */
export async function markGenerationFailed(id: number): Promise<void> {
  await (await db()).generation.update({ where: { id }, data: { status: "failed" } });
}

/** The run wrote no manifest (nothing usable, or nothing changed): the generation never existed. */
export async function discardGeneration(id: number, runId: string): Promise<void> {
  const prisma = await db();
  await prisma.$transaction([prisma.syncRun.update({ where: { id: runId }, data: { generationId: null } }), prisma.generation.delete({ where: { id } })]);
}
