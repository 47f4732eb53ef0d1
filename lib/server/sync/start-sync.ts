import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PrismaClient, SyncTrigger } from "@prisma/client";
import { db } from "../../db";
import { env } from "../../env";
import { firstLine } from "../../errors";
import { childLogger, scrub } from "../../log";
import { recordSyncRun, recordSyncSource } from "../../metrics";
import type { SetLimits } from "../../plugins/stage/inspect-set";
import { runSync, type LogLevel, type SourceResult, type SyncOutcome } from "../../plugins/sync/run-sync";
import type { FetchLimits } from "../../plugins/types";
import { ExpectedError } from "../errors";
import { activateGeneration } from "../generations/activate-generation";
import { collectGarbage } from "../generations/collect-garbage";
import { findBaseGeneration } from "../generations/find-base-generation";
import { createGeneration, discardGeneration, markGenerationFailed, markGenerationReady } from "../generations/record-generation";
import { claimCache } from "../../plugins/cache/owner";
import { guardCache } from "../../plugins/cache/guard";
import { getInstallId } from "../cache/install-id";
import { activationBlocks, blockedLines, type ActivationBlock } from "./activation-policy";
import { acquireLease, releaseLease, renewLease, waitForLeaseRun } from "./lease";
import { toSyncSource } from "./load-sync-sources";
import { openCache } from "./open-cache";
import { buildSyncOptions } from "./sync-options";
import { englishSyncLog } from "../../i18n/sync-log";
import { logLine, type SyncLogLine } from "../../plugins/log-line";

export interface StartSyncOptions {
  trigger: SyncTrigger;
  actor: string;
  /** Only these sources are synced; the others keep their sets from the base generation. */
  only?: string[];
  dryRun?: boolean;
  /** Mark the new generation active when the run produced one (CLI --activate, release). */
  activate?: boolean;
  /** Progress for CLIs and tests, in English (the DB log gets every line as a key with parameters too). */
  onLog?: (level: LogLevel, line: string, source?: string) => void;
  onSource?: (result: SourceResult) => void;
  /** Tighter fetch / staging limits than the defaults (tests). */
  fetchLimits?: Partial<FetchLimits>;
  setLimits?: Partial<SetLimits>;
}

/** Another sync holds the lease: `runId` is its run, null while that sync is still starting (no run recorded yet). */
export class SyncBusyError extends ExpectedError {
  constructor(readonly runId: string | null) {
    super(409, runId ? "sync.busy" : "sync.starting", runId ? { run: runId } : {});
    this.message = this.line; // for logs; users get the catalog's text (key)
  }

  /** The CLIs' line (they print English, like the rest of their output). */
  get line(): string {
    return `another sync is ${this.runId ? `in progress (run ${this.runId})` : "starting"}; try again when it has finished`;
  }
}

/**
 * A finished run: `generation` is the one it made, null when it made none (dry run, nothing usable or unchanged);
 * `runStatus` what the run records ("unchanged": it succeeded with the active generation's content).
 */
export type StartedSyncOutcome = SyncOutcome & { generation: number | null; runStatus: SyncOutcome["status"] | "unchanged" };

export interface StartedSync {
  runId: string;
  /** Settles when the run has finished (it never rejects: failures are recorded on the run). */
  done: Promise<StartedSyncOutcome | null>;
}

/**
 * Takes the sync lease (or throws SyncBusyError), records a run, and runs it: fetch + describe every enabled
 * source into a new generation in the cache. Returns as soon as the run is recorded; `done` settles at the end.
 */
export async function startSync(opts: StartSyncOptions): Promise<StartedSync> {
  const prisma = await db();
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const lease = await acquireLease(prisma, holder);
  if (!lease) throw new SyncBusyError(await waitForLeaseRun(prisma));
  try {
    if (lease.previousRunId) await markAbandoned(prisma, lease.previousRunId);
    const cache = guardCache(await openCache());
    const generation = opts.dryRun ? null : await createGeneration(cache.location);
    // The run and the lease's pointer to it commit together: a process that dies right after leaves a run that the
    // next lease holder finds (and marks failed), never one that stays "running" for good.
    const run = await prisma.$transaction(async (tx) => {
      const created = await tx.syncRun.create({
        data: { trigger: opts.trigger, actor: opts.actor, dryRun: Boolean(opts.dryRun), onlySources: opts.only ?? [], generationId: generation },
      });
      await renewLease(tx, holder, created.id);
      return created;
    });
    const done = execute(prisma, holder, run.id, generation ?? 0, cache, opts);
    return { runId: run.id, done };
  } catch (err) {
    await releaseLease(prisma, holder);
    throw err;
  }
}

/**
 * A run whose holder died (its lease expired and was taken over) is failed, and so is its generation. Its holder
 * could not say so: this is the run's one ERROR line, with the run's context, in the process log and its DB log.
 */
async function markAbandoned(prisma: PrismaClient, runId: string): Promise<void> {
  const run = await prisma.syncRun.findUnique({ where: { id: runId } });
  if (!run || run.status !== "running") return;
  const error = "the process running this sync stopped (its lease expired and was taken over)";
  const line = logLine("abandoned");
  const message = englishSyncLog(line);
  await prisma.syncRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error } });
  await prisma.syncLog.create({ data: { runId, level: "error", message, key: line.key, params: line.params } });
  childLogger({ runId, generation: run.generationId, trigger: run.trigger }).error(message);
  if (run.generationId) await markGenerationFailed(run.generationId);
}

async function execute(
  prisma: PrismaClient,
  holder: string,
  runId: string,
  generation: number,
  cache: Awaited<ReturnType<typeof openCache>>,
  opts: StartSyncOptions,
): Promise<StartedSyncOutcome | null> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "opsflow-sync-"));
  // Every line goes to the process log (with the run's context) and the caller in English, and to the run's DB log as
  // its key and parameters (shown in the reader's language) with the English beside them; the parameters are
  // scrubbed of the sources' secret values and URL credentials. Every failure is exactly one "error" line (see runSync).
  const runLog = childLogger({ runId, generation: generation || null, trigger: opts.trigger, ...(opts.dryRun ? { dryRun: true } : {}) });
  const secrets: string[] = [];
  // The run's rows (log lines, source results) are written in order by one chain, so a slow insert never reorders
  // them; one that fails is said in the process log, and the chain goes on.
  let chain: Promise<void> = Promise.resolve();
  const record = (what: string, write: () => Promise<unknown>) => {
    chain = chain.then(write).then(
      () => undefined,
      (err: unknown) => runLog.warn(`could not store ${what} of the run in the database: ${firstLine(err)}`),
    );
  };
  const log = (level: LogLevel, line: SyncLogLine, source?: string, set?: string) => {
    const params = Object.fromEntries(Object.entries(line.params).map(([k, v]) => [k, typeof v === "string" ? scrub(v, secrets).slice(0, 2000) : v]));
    const message = scrub(englishSyncLog({ key: line.key, params }), secrets);
    opts.onLog?.(level, message, source);
    runLog[level]({ ...(source ? { source } : {}), ...(set ? { set } : {}) }, message);
    record("a log line", () => prisma.syncLog.create({ data: { runId, level, source: source ?? null, message: message.slice(0, 2000), key: line.key, params } }));
  };
  const renewEvery = Math.max(1000, env.leaseTtlMs() / 3);
  const heartbeat = setInterval(() => {
    renewLease(prisma, holder, runId).then(
      (ok) => {
        if (!ok) log("error", logLine("leaseLost"));
      },
      (err: unknown) => runLog.warn(`renewing the sync lease failed (${firstLine(err)}); trying again in ${renewEvery} ms`),
    );
  }, renewEvery);
  heartbeat.unref();
  let position = 0;
  let notActivated: ActivationBlock[] | undefined;
  try {
    // Before anything is written: a location another install owns is refused (an unowned one becomes ours).
    await claimCache(cache, await getInstallId(), { claim: !opts.dryRun });
    const rows = await prisma.pluginSource.findMany({ where: { enabled: true }, include: { pluginSets: true }, orderBy: { name: "asc" } });
    const unknown = (opts.only ?? []).filter((n) => !rows.some((r) => r.name === n));
    if (unknown.length) throw new Error(`no enabled source named ${unknown.join(", ")}`);
    const selected = rows.filter((r) => !opts.only?.length || opts.only.includes(r.name));
    const sources = selected.map(toSyncSource);
    for (const source of sources) secrets.push(...Object.values(source.secret as Record<string, unknown>).filter((v): v is string => typeof v === "string"));
    const settings = await buildSyncOptions({ cache, fetchLimits: opts.fetchLimits, setLimits: opts.setLimits });
    const base = await findBaseGeneration(cache, (level, line) => log(level, line));
    log("info", logLine("started", { dryRun: String(Boolean(opts.dryRun)), count: selected.length, location: cache.location, base: base ? String(base.id) : "none" }));
    const keep = opts.only?.length ? rows.filter((r) => !opts.only!.includes(r.name)).map((r) => r.name) : [];
    const outcome = await runSync({
      ...settings,
      runId,
      generation: generation || 1,
      sources,
      keepSources: keep,
      previous: base?.manifest ?? null,
      active: base?.active ? base.manifest : null,
      workDir,
      dryRun: opts.dryRun,
      log,
      onSource: (result) => {
        opts.onSource?.(result);
        recordSyncSource(result);
        const { sets, name, ...rest } = result;
        const row = { runId, sourceName: name, ...rest, error: rest.error ?? null, sets: sets as never, signer: rest.signer as never, position: position++ };
        record(`the result of source ${name}`, () => prisma.syncSourceResult.create({ data: row }));
      },
    });
    await chain;
    if (!opts.dryRun && !outcome.written) {
      await discardGeneration(generation, runId);
      log("info", outcome.unchanged ? logLine("nothingChanged", { id: base!.id }) : logLine("nothingUsable", { active: base?.active ? String(base.id) : "none" }));
    } else if (!opts.dryRun) {
      await markGenerationReady(generation, outcome.manifest);
      const stillHolder = await renewLease(prisma, holder, runId);
      const blocks = opts.activate && stillHolder ? activationBlocks(selected, outcome.results) : [];
      if (blocks.length) {
        notActivated = blocks;
        for (const line of blockedLines(generation, blocks)) log("info", line);
      } else if (opts.activate && stillHolder) {
        await activateGeneration(generation, opts.actor);
        log("info", logLine("activated", { id: generation }));
      } else {
        log("info", logLine("ready", { id: generation }));
      }
      const deleted = await collectGarbage(cache).catch((err: unknown) => {
        log("warn", logLine("gcFailed", { reason: firstLine(err) }));
        return [];
      });
      if (deleted.length) log("info", logLine("gcRemoved", { ids: deleted.join(", ") }));
    }
    const runStatus = outcome.unchanged && outcome.status === "succeeded" ? "unchanged" : outcome.status;
    const failedSources = outcome.results.filter((r) => r.status === "failed").length;
    log(
      outcome.status === "succeeded" ? "info" : "warn",
      logLine("finished", { status: runStatus, synced: outcome.results.length - failedSources, total: outcome.results.length, clashes: outcome.manifest.clashes.length }),
    );
    await chain;
    await prisma.syncRun.update({ where: { id: runId }, data: { status: runStatus, finishedAt: new Date(), ...(notActivated ? { notActivated: notActivated as never } : {}) } });
    recordSyncRun(runStatus);
    return { ...outcome, generation: outcome.written ? generation : null, runStatus };
  } catch (err) {
    const message = scrub(firstLine(err), secrets);
    log("error", logLine("failed", { reason: message }));
    recordSyncRun("failed");
    await chain;
    const noted = (what: string) => (e: unknown) => runLog.error(`could not mark ${what} failed in the database: ${firstLine(e)}`);
    await prisma.syncRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error: message } }).catch(noted("the run"));
    if (generation) await markGenerationFailed(generation).catch(noted(`generation ${generation}`));
    return null;
  } finally {
    clearInterval(heartbeat);
    await releaseLease(prisma, holder).catch((err: unknown) => runLog.warn(`releasing the sync lease failed (${firstLine(err)}); it expires by itself`));
    await fs.rm(workDir, { recursive: true, force: true }).catch((err: unknown) => runLog.warn(`could not remove the scratch directory ${workDir}: ${firstLine(err)}`));
  }
}
