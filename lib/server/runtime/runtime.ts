import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { db } from "../../db";
import { env } from "../../env";
import { firstLine } from "../../errors";
import { lineLogger } from "../../log";
import { setPoolStatsProvider } from "../../metrics";
import { materializeGeneration, pruneRuntime, type MaterializedGeneration } from "../../plugins/loader/materialize";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "../../plugins/registry/builtins";
import { buildRegistry, type Registry } from "../../plugins/registry/registry";
import { hostsRefused } from "../../plugins/host/confinement";
import type { ExecutionPool } from "../../plugins/host/pool";
import { openOwnCache } from "../cache/check-cache-owner";
import { startActivationListener, stopActivationListener } from "./activation-listener";
import { CACHE_UNREACHABLE, followCache } from "./cache-state";
import { hostSettings } from "./host-settings";
import { newPool } from "./new-pool";
import { statusOf } from "./runtime-status";
import { getRuntimeStatus, setLoading, setRuntimeStatus, type RuntimeStatus } from "./status";

/**
 * The plugins this instance serves: one generation's registry (descriptors only) and its pool of plugin hosts. Swapped as a
 * whole on activation; runs in flight keep the pool they started on, which closes once they finish.
 */
export interface Runtime {
  generation: number | null;
  registry: Registry;
  pool: ExecutionPool;
  loaded: MaterializedGeneration | null;
  /** sha256 of the manifest's bytes as the cache stores them (what `sha256sum manifest.json` prints); null: built-ins only. */
  manifestSha256: string | null;
  /** Runs in flight on this runtime (see holdRuntime). */
  holds: number;
  /** Replaced by another generation: its pool closes when the last hold is released. */
  retired: boolean;
}

const g = globalThis as unknown as {
  __opsflowRuntime?: Runtime;
  __opsflowRuntimeLoading?: Promise<Runtime>;
  __opsflowRuntimePoll?: NodeJS.Timeout;
  /** Retired runtimes that runs still hold: their pools and local files stay until released. */
  __opsflowRuntimeHeld?: Set<Runtime>;
  __opsflowRuntimeListeners?: Set<(rt: Runtime) => void>;
};
const held = () => (g.__opsflowRuntimeHeld ??= new Set());

/** Where this instance materialises generations (local disk): PLUGIN_RUNTIME_DIR, default <DATA_DIR>/runtime. */
const runtimeRoot = () => env.runtimeDir();

function builtinsOnly(): Runtime {
  return {
    generation: null,
    registry: buildRegistry({ generation: null, sets: [], manifest: null, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE }),
    pool: newPool("builtins"),
    loaded: null,
    manifestSha256: null,
    holds: 0,
    retired: false,
  };
}

const listeners = () => (g.__opsflowRuntimeListeners ??= new Set());

/** Calls `fn` with each runtime this instance starts serving (after every load of a generation). */
export function onRuntimeLoaded(fn: (rt: Runtime) => void): () => void {
  listeners().add(fn);
  return () => listeners().delete(fn);
}

/** The current runtime (built-ins only until the first load finishes). */
export function getRuntime(): Runtime {
  g.__opsflowRuntime ??= builtinsOnly();
  return g.__opsflowRuntime;
}

/**
 * The current runtime, held for a run that must stay on one generation (a process run): activation swaps the
 * current runtime, but a held one keeps its pool and files until `release()`.
 */
export function holdRuntime(): { runtime: Runtime; release: () => void } {
  return hold(getRuntime());
}

/** How long a retired runtime no run holds stays open: the next node of a run pinned to it reuses its hosts. */
const RETIRED_LINGER_MS = 30_000;
const closing = new WeakMap<Runtime, NodeJS.Timeout>();

function hold(rt: Runtime): { runtime: Runtime; release: () => void } {
  rt.holds++;
  clearTimeout(closing.get(rt));
  let released = false;
  return {
    runtime: rt,
    release() {
      if (released) return;
      released = true;
      rt.holds--;
      if (rt.retired && rt.holds === 0) {
        const timer = setTimeout(() => {
          if (rt.holds > 0) return;
          held().delete(rt);
          closePool(rt);
        }, RETIRED_LINGER_MS);
        timer.unref();
        closing.set(rt, timer);
      }
    },
  };
}

const pinnedLoads = new Map<number, Promise<Runtime>>();

/**
 * The runtime of `generation`, held: a process run is pinned to the generation it started on, and its nodes may
 * run on any instance, one that serves another generation by now included. The current runtime when it is that
 * generation (built-ins only, `null`, are in every generation), a retired one still open, or the generation loaded
 * from the cache (materialised and verified like any) as a retired runtime. Throws when it cannot be loaded.
 */
export async function holdGeneration(generation: number | null): Promise<{ runtime: Runtime; release: () => void }> {
  const current = getRuntime();
  if (generation === null || current.generation === generation) return hold(current);
  for (const rt of held()) if (rt.generation === generation) return hold(rt);
  let loading = pinnedLoads.get(generation);
  if (!loading) {
    loading = loadPinned(generation).finally(() => pinnedLoads.delete(generation));
    pinnedLoads.set(generation, loading);
  }
  const rt = await loading;
  return hold(rt);
}

async function loadPinned(generation: number): Promise<Runtime> {
  const loaded = await materializeGeneration({ cache: await openOwnCache(), generation, runtimeRoot: runtimeRoot(), log });
  const rt: Runtime = {
    generation,
    registry: buildRegistry({ generation, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE }),
    pool: newPool(`g${generation}-pinned`),
    loaded,
    manifestSha256: createHash("sha256").update(await fs.readFile(path.join(loaded.dir, "manifest.json"))).digest("hex"),
    holds: 0,
    retired: true,
  };
  held().add(rt);
  return rt;
}

/** Closes a retired runtime's pool in the background; a failure is logged (its hosts are killed with it anyway). */
function closePool(rt: Runtime): void {
  rt.pool.close().catch((err: unknown) => log("warn", `closing the plugin hosts of ${rt.pool.name} failed: ${firstLine(err)}`));
}

/**
 * The served runtime's pool can run plugins: it is open, and hosts may start here (they may not when
 * PLUGIN_REQUIRE_NETWORK_ISOLATION=1 and this machine cannot isolate them). What /api/ready calls "pool".
 */
export function poolServes(rt: Runtime = getRuntime()): boolean {
  return !rt.pool.closed && hostsRefused() === null;
}

/**
 * After an activation: a process that serves plugins (it has a runtime: the server) starts loading the new
 * generation at once, in the background (a long load holds no request open: the status says "loading", then the
 * plugins page and /api/ready follow it). A CLI has none and loads nothing; the servers follow within their poll
 * interval.
 */
export function reloadRuntimeIfServing(target: number): void {
  if (!g.__opsflowRuntime) return;
  if (g.__opsflowRuntime.generation !== target) setLoading(target); // said before the load's first await
  // A load under way may have read the active generation before this activation: another one follows it.
  const underway = g.__opsflowRuntimeLoading;
  if (underway) void underway.then(() => reloadRuntime());
  else void reloadRuntime();
}

/** This process serves or holds a verified copy of `generation` (it can activate it without the cache). */
export function servesVerified(generation: number): boolean {
  return [g.__opsflowRuntime, ...held()].some((rt) => rt?.generation === generation && rt.loaded?.sets.every((s) => s.status !== "integrity_failed"));
}

/** The active generation id in the DB (null when none). */
async function activeGenerationId(): Promise<number | null> {
  const active = await (await db()).generation.findFirst({ where: { status: "active" }, select: { id: true } });
  return active?.id ?? null;
}

/**
 * Loads the DB's active generation if this instance does not serve it yet: manifest from the cache, files
 * materialised locally and verified (sha256), registry + pool built, then swapped in. Concurrent callers share one
 * load. Never throws: a failure keeps the current runtime (or built-ins only) and is reported in the status.
 */
export function reloadRuntime(logLine: (level: "info" | "warn" | "error", line: string) => void = log): Promise<Runtime> {
  g.__opsflowRuntimeLoading ??= load(logLine).finally(() => {
    g.__opsflowRuntimeLoading = undefined;
  });
  return g.__opsflowRuntimeLoading;
}

async function load(log: (level: "info" | "warn" | "error", line: string) => void): Promise<Runtime> {
  const current = getRuntime();
  let activeInDb: number | null = null;
  try {
    activeInDb = await activeGenerationId();
  } catch (err) {
    log("error", `cannot read the active generation from the database: ${(err as Error).message}`);
    return current;
  }
  if (activeInDb === current.generation && current.loaded) {
    setRuntimeStatus({ ...getRuntimeStatus(), activeInDb, loading: null, pending: null, ...(await followCache(current.loaded.generation, getRuntimeStatus(), log)) });
    return current;
  }
  if (activeInDb === null) {
    setStatus(current, activeInDb, null);
    return current;
  }
  setLoading(activeInDb);
  let cache = null;
  let unusable: string | null = null; // then the reason a failed load gives (not "no cache is configured")
  try {
    cache = await openOwnCache();
  } catch (err) {
    unusable = `cache configuration unusable: ${(err as Error).message}`;
    log("error", unusable);
  }
  let loaded: MaterializedGeneration;
  let manifestSha256: string;
  try {
    loaded = await materializeGeneration({ cache, generation: activeInDb, runtimeRoot: runtimeRoot(), log });
    // The loader keeps the cache's manifest bytes as they are in <dir>/manifest.json (the local copy).
    manifestSha256 = createHash("sha256").update(await fs.readFile(path.join(loaded.dir, "manifest.json"))).digest("hex");
  } catch (err) {
    const problem = `generation ${activeInDb} could not be loaded: ${unusable ?? (err as Error).message}`;
    // The poll retries every interval: say it once per distinct problem, not every few seconds.
    if (getRuntimeStatus().problem !== problem) {
      log("error", `${problem}; serving ${current.generation ? `generation ${current.generation}` : "the built-in plugins only"}`);
    }
    // Until it can load the newer one, the instance serves (and is ready with) the generation it has verified.
    const before = getRuntimeStatus().pending;
    const since = before?.generation === activeInDb ? before.since : new Date().toISOString();
    setStatus(current, activeInDb, problem, { generation: activeInDb, reason: firstLine(err), since });
    return current;
  }
  for (const set of loaded.sets) {
    if (set.status === "integrity_failed") log("error", `generation ${activeInDb}: set ${set.source}/${set.submodule} not loaded: ${set.reason}`);
  }
  const next: Runtime = {
    generation: activeInDb,
    registry: buildRegistry({ generation: activeInDb, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE }),
    pool: newPool(`g${activeInDb}`),
    loaded,
    manifestSha256,
    holds: 0,
    retired: false,
  };
  g.__opsflowRuntime = next;
  for (const fn of listeners()) fn(next);
  const problem = loaded.origin === "local" ? CACHE_UNREACHABLE : null;
  setStatus(next, activeInDb, problem);
  log("info", `serving generation ${activeInDb} (${next.registry.all().length} plugins, from the ${loaded.origin === "cache" ? "cache" : "local copy"})`);
  // The old pool finishes what it has, then closes — once no run holds it; local copies no one uses go.
  current.retired = true;
  if (current.holds === 0) closePool(current);
  else held().add(current);
  const keep = [activeInDb, ...[current, ...held()].flatMap((r) => (r.generation ? [r.generation] : []))];
  pruneRuntime(runtimeRoot(), keep).catch((err: unknown) => log("warn", `removing local copies of old generations from ${runtimeRoot()} failed: ${firstLine(err)}`));
  return next;
}

function setStatus(rt: Runtime, activeInDb: number | null, problem: string | null, pending: RuntimeStatus["pending"] = null) {
  setRuntimeStatus(statusOf(rt, { activeInDb, problem, pending, poolUp: poolServes(rt) }));
}

const log = lineLogger({ component: "runtime" });

/**
 * Loads the active generation, then follows activations on other instances: at once through PostgreSQL's
 * notifications (activation-listener.ts), and by polling the DB as the fallback (the only way on PGlite).
 */
export function startRuntime(): void {
  hostSettings(); // checks the plugin variables and says once what confinement plugin code gets here
  setPoolStatsProvider(() => {
    const stats = getRuntime().pool.stats();
    return { hosts: stats.hosts, queued: stats.queued };
  });
  void reloadRuntime();
  g.__opsflowRuntimePoll ??= setInterval(() => void reloadRuntime(), env.pollIntervalMs());
  g.__opsflowRuntimePoll.unref();
  // A load under way may have read the active generation before this notification: another one follows it.
  if (env.listenActivations()) startActivationListener(() => void (g.__opsflowRuntimeLoading ?? Promise.resolve()).then(() => reloadRuntime()));
}

export function stopRuntime(): void {
  if (g.__opsflowRuntimePoll) clearInterval(g.__opsflowRuntimePoll);
  g.__opsflowRuntimePoll = undefined;
  void stopActivationListener();
}
