import "server-only";
import { hostSettings } from "../runtime/host-settings";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PrismaClient, SyncTrigger } from "@prisma/client";
import { db } from "../../db";
import { env } from "../../env";
import { childLogger, scrub } from "../../log";
import { recordSyncRun, recordSyncSource } from "../../metrics";
import { DEFAULT_FETCH_LIMITS } from "../../plugins/sources";
import type { SetLimits } from "../../plugins/stage/inspect-set";
import { runSync, type LogLevel, type SourceResult, type SyncOutcome } from "../../plugins/sync/run-sync";
import type { FetchLimits } from "../../plugins/types";
import { ExpectedError } from "../errors";
import { acquireLease, leaseTtlMs, releaseLease, renewLease } from "./lease";
import { activateGeneration, collectGarbage, findBaseGeneration } from "./generations";
import { toSyncSource } from "./load-sync-sources";
import { openCache } from "./open-cache";

export interface StartSyncOptions {
  trigger: SyncTrigger;
  actor: string;
  /** Only these sources are synced; the others keep their sets from the base generation. */
  only?: string[];
  dryRun?: boolean;
  /** Mark the new generation active when the run produced one (CLI --activate, release). */
  activate?: boolean;
  /** Progress for CLIs and tests (the DB log and the process log get every line too). */
  onLog?: (level: LogLevel, line: string, source?: string) => void;
  onSource?: (result: SourceResult) => void;
  /** Tighter fetch / staging limits than the defaults (tests). */
  fetchLimits?: Partial<FetchLimits>;
  setLimits?: Partial<SetLimits>;
}

/** Another sync holds the lease. */
export class SyncBusyError extends ExpectedError {
  constructor(readonly runId: string | null) {
    super(409, "sync.busy", { run: runId ?? "?" });
  }
}

export interface StartedSync {
  runId: string;
  /** Settles when the run has finished (it never rejects: failures are recorded on the run). */
  done: Promise<SyncOutcome | null>;
}

/**
 * Takes the sync lease (or throws SyncBusyError), records a run, and runs it: fetch + describe every enabled
 * source into a new generation in the cache. Returns as soon as the run is recorded; `done` settles at the end.
 */
export async function startSync(opts: StartSyncOptions): Promise<StartedSync> {
  const prisma = await db();
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const lease = await acquireLease(prisma, holder);
  if (!lease) {
    const busy = await prisma.syncLease.findUnique({ where: { id: 1 } });
    throw new SyncBusyError(busy?.runId ?? null);
  }
  try {
    if (lease.previousRunId) await markAbandoned(prisma, lease.previousRunId);
    const cache = await openCache();
    const generation = opts.dryRun ? null : await prisma.generation.create({ data: { cacheLocation: cache.location } });
    const run = await prisma.syncRun.create({
      data: { trigger: opts.trigger, actor: opts.actor, dryRun: Boolean(opts.dryRun), onlySources: opts.only ?? [], generationId: generation?.id },
    });
    await renewLease(prisma, holder, run.id);
    const done = execute(prisma, holder, run.id, generation?.id ?? 0, cache, opts);
    return { runId: run.id, done };
  } catch (err) {
    await releaseLease(prisma, holder);
    throw err;
  }
}

/** A run whose holder died (its lease expired and was taken over) is failed, and so is its generation. */
async function markAbandoned(prisma: PrismaClient, runId: string): Promise<void> {
  const run = await prisma.syncRun.findUnique({ where: { id: runId } });
  if (!run || run.status !== "running") return;
  await prisma.syncRun.update({
    where: { id: runId },
    data: { status: "failed", finishedAt: new Date(), error: "the process running this sync stopped (its lease expired and was taken over)" },
  });
  if (run.generationId) await prisma.generation.update({ where: { id: run.generationId }, data: { status: "failed" } });
}

async function execute(
  prisma: PrismaClient,
  holder: string,
  runId: string,
  generation: number,
  cache: Awaited<ReturnType<typeof openCache>>,
  opts: StartSyncOptions,
): Promise<SyncOutcome | null> {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "opsflow-sync-"));
  // Every line goes to the process log (with the run's context), the run's DB log and the caller, scrubbed of the
  // sources' secret values and URL credentials. Every failure is exactly one "error" line (see runSync).
  const runLog = childLogger({ runId, generation: generation || null, trigger: opts.trigger, ...(opts.dryRun ? { dryRun: true } : {}) });
  const secrets: string[] = [];
  // DB log lines are written in order by one chain, so a slow insert never reorders or drops them.
  let logChain: Promise<unknown> = Promise.resolve();
  const log = (level: LogLevel, line: string, source?: string, set?: string) => {
    const message = scrub(line, secrets);
    opts.onLog?.(level, message, source);
    runLog[level]({ ...(source ? { source } : {}), ...(set ? { set } : {}) }, message);
    logChain = logChain.then(() => prisma.syncLog.create({ data: { runId, level, source: source ?? null, message: message.slice(0, 2000) } })).catch(() => undefined);
  };
  const heartbeat = setInterval(() => {
    renewLease(prisma, holder, runId).then((ok) => {
      if (!ok) log("error", "lost the sync lease (this process stalled past its expiry); the result will not be activated");
    }, () => undefined);
  }, Math.max(1000, leaseTtlMs() / 3));
  heartbeat.unref();
  let position = 0;
  try {
    const rows = await prisma.pluginSource.findMany({ where: { enabled: true }, include: { pluginSets: true }, orderBy: { name: "asc" } });
    const unknown = (opts.only ?? []).filter((n) => !rows.some((r) => r.name === n));
    if (unknown.length) throw new Error(`no enabled source named ${unknown.join(", ")}`);
    const selected = rows.filter((r) => !opts.only?.length || opts.only.includes(r.name));
    const sources = selected.map(toSyncSource);
    for (const source of sources) secrets.push(...Object.values(source.secret as Record<string, unknown>).filter((v): v is string => typeof v === "string"));
    const base = await findBaseGeneration(prisma, cache);
    log("info", `sync ${opts.dryRun ? "(dry run) " : ""}of ${selected.length} source(s) into ${cache.location}${base ? `, building on generation ${base.id}` : ""}`);
    const keep = opts.only?.length ? rows.filter((r) => !opts.only!.includes(r.name)).map((r) => r.name) : [];
    const outcome = await runSync({
      runId,
      generation: generation || 1,
      sources,
      keepSources: keep,
      previous: base?.manifest ?? null,
      cache,
      workDir,
      allowHttp: env.secureLoose(),
      ca: await readExtraCa(),
      fetchLimits: { ...DEFAULT_FETCH_LIMITS, ...opts.fetchLimits },
      setLimits: opts.setLimits,
      // SYNC_DESCRIBE_TIMEOUT_MS (how long one set's modules may take to import, default 15 s), PLUGIN_HEAP_MB.
      describe: hostSettings().describe,
      dryRun: opts.dryRun,
      log,
      onSource: (result) => {
        opts.onSource?.(result);
        recordSyncSource(result);
        const { sets, name, ...rest } = result;
        logChain = logChain.then(() =>
          prisma.syncSourceResult.create({ data: { runId, sourceName: name, ...rest, error: rest.error ?? null, sets: sets as never, position: position++ } }),
        );
      },
    });
    await logChain;
    if (!opts.dryRun) {
      const plugins = outcome.manifest.sets.reduce((n, s) => n + s.plugins.length, 0);
      const problems = outcome.manifest.failed.length + outcome.manifest.clashes.length + outcome.manifest.sets.filter((s) => s.status === "carried_over").length;
      await prisma.generation.update({ where: { id: generation }, data: { status: "ready", readyAt: new Date(), plugins, sets: outcome.manifest.sets.length, problems } });
      const stillHolder = await renewLease(prisma, holder, runId);
      if (opts.activate && stillHolder) {
        await activateGeneration(prisma, generation);
        log("info", `generation ${generation} is now active`);
      } else {
        log("info", `generation ${generation} is ready`);
      }
      const deleted = await collectGarbage(prisma, cache).catch((err) => {
        log("warn", `garbage collection failed: ${(err as Error).message}`);
        return [];
      });
      if (deleted.length) log("info", `removed old generation(s) ${deleted.join(", ")} from the cache`);
    }
    const failedSources = outcome.results.filter((r) => r.status === "failed").length;
    log(
      outcome.status === "succeeded" ? "info" : "warn",
      `sync finished: ${outcome.status} (${outcome.results.length - failedSources} of ${outcome.results.length} source(s) synced, ${outcome.manifest.clashes.length} clash(es))`,
    );
    await logChain;
    await prisma.syncRun.update({ where: { id: runId }, data: { status: outcome.status, finishedAt: new Date() } });
    recordSyncRun(outcome.status);
    return outcome;
  } catch (err) {
    const message = scrub((err as Error).message?.split("\n")[0] ?? String(err), secrets);
    log("error", `sync failed: ${message}`);
    recordSyncRun("failed");
    await logChain;
    await prisma.syncRun.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error: message } }).catch(() => undefined);
    if (generation) await prisma.generation.update({ where: { id: generation }, data: { status: "failed" } }).catch(() => undefined);
    return null;
  } finally {
    clearInterval(heartbeat);
    await releaseLease(prisma, holder).catch(() => undefined);
    await fs.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** SYNC_CA_FILE: extra CA certificates (PEM) for https remotes with a private CA. */
async function readExtraCa(): Promise<string | undefined> {
  const file = process.env.SYNC_CA_FILE?.trim();
  return file ? fs.readFile(file, "utf8") : undefined;
}
