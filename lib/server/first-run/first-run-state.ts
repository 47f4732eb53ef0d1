import "server-only";
import { db } from "../../db";

/** Where a new install stands on the way to its first process: the first-run guide's ticks. */
export interface FirstRunState {
  /** At least one plugin source is configured. */
  hasSource: boolean;
  /** A sync succeeded: a generation of plugins is active, so the editor offers them. */
  synced: boolean;
  /** A sync is running now. */
  syncing: boolean;
  /** Somebody has made a process (the last step). */
  hasProcess: boolean;
  /** The guide is shown: no source yet, no successful sync yet, or no process yet. */
  show: boolean;
}

/** Four counts (no rows read): cheap enough for every load of the admin's landing page. */
export async function firstRunState(): Promise<FirstRunState> {
  const prisma = await db();
  const [sources, active, running, processes] = await Promise.all([
    prisma.pluginSource.count(),
    prisma.generation.count({ where: { status: "active" } }),
    prisma.syncRun.count({ where: { status: "running" } }),
    prisma.process.count(),
  ]);
  const hasSource = sources > 0;
  const synced = active > 0;
  const hasProcess = processes > 0;
  return { hasSource, synced, syncing: running > 0, hasProcess, show: !hasSource || !synced || !hasProcess };
}
