import "server-only";
import { db } from "../db";
import { env } from "../env";
import { firstLine } from "../errors";
import { logger } from "../log";
import { startSync, SyncBusyError } from "./sync/start-sync";

/**
 * SYNC_ON_START=if-empty (default): when no generation exists yet and a source is enabled, the server's start
 * runs a first sync and activates what it builds (the activation is audited, actor "system:first-start"), so a
 * new install shows plugins. Recorded with the trigger "start". Resolves when that run has finished (or was not
 * needed); never throws: a problem is logged.
 */
export async function runFirstSync(): Promise<string | null> {
  if (env.syncOnStart() !== "if-empty") return null;
  try {
    const prisma = await db();
    if ((await prisma.generation.count({ where: { status: { in: ["active", "ready"] } } })) > 0) return null;
    if ((await prisma.pluginSource.count({ where: { enabled: true } })) === 0) return null;
    const { runId, done } = await startSync({ trigger: "start", actor: "system:first-start", activate: true });
    logger.info({ runId }, `no plugin generation yet: first sync started (run ${runId})`);
    await done;
    return runId;
  } catch (err) {
    // Instances started together: one runs the first sync, the others are refused, which is no failure.
    if (err instanceof SyncBusyError) logger.info(`first sync not started here: ${err.line}`);
    else logger.error(`first sync not started: ${firstLine(err)}`);
    return null;
  }
}
