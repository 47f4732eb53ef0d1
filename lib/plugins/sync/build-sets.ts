import { createHash } from "node:crypto";
import fsSync from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pLimit from "p-limit";
import { CacheUnavailableError } from "../cache/guard";
import { packSet } from "../cache/set-archive";
import { archiveKey, type CacheStore } from "../cache/types";
import { describeSet } from "../describe/describe-set";
import { rejectionOf } from "../sources/staging";
import { inspectSet, SYNC_READ_MAX, type InspectedSet } from "../stage/inspect-set";
import type { FetchResult } from "../types";
import type { SetEntry } from "./manifest";
import { filterPlugins } from "./plugin-filter";
import { configHash, reasonOf, type LogLevel, type SyncOptions, type SyncSetInput } from "./run-sync";
import { logLine, type SyncLogLine } from "../log-line";

/** SYNC_SET_CONCURRENCY: sets of one source built at once (default: CPUs, at most 4). */
const setConcurrencyOf = (opts: SyncOptions) => Math.max(1, opts.setConcurrency ?? Math.min(4, os.availableParallelism()));

export type Built = { ok: true; entry: SetEntry } | { ok: false; error: string } | null;

/**
 * Builds the sets of one fetched source that `needed` selects (the others are null: reused): stage and check each
 * set (one holding an entry the fetcher rejected fails), describe them, store their files. Describing starts a plugin host process, and a host per set dominated a
 * large cold sync (P1 in BENCHMARKS.md), so every set's modules are first described in ONE host (which may read
 * those sets' directories only); a set with any error there is described again in a host of its own, so one broken
 * or hostile set never fails the others.
 */
export async function buildSets(
  opts: SyncOptions,
  source: string,
  sets: SyncSetInput[],
  needed: (set: SyncSetInput) => boolean,
  root: string,
  fetched: FetchResult,
  known: Set<string>,
  log: (level: LogLevel, line: SyncLogLine, set?: string) => void,
): Promise<Built[]> {
  const staged = await pLimit(setConcurrencyOf(opts)).map(sets, async (set) => {
    if (!needed(set)) return null;
    const rejected = rejectionOf(fetched.rejected, set.submodule);
    if (rejected) return { ok: false as const, error: rejected };
    try {
      return { ok: true as const, inspected: await inspectSet(root, set, opts.setLimits, fetched.digests) };
    } catch (err) {
      return { ok: false as const, error: reasonOf(err) };
    }
  });
  // The archives are stored while the host describes (the server is idle meanwhile). A set that then fails to
  // describe leaves an unreferenced archive, as an interrupted sync does: no manifest names it and GC removes it.
  const storeLane = pLimit(setConcurrencyOf(opts));
  const stored = staged.map((st) => {
    if (opts.dryRun || !st?.ok) return null;
    const storing = storeLane(() => storeArchive(opts.cache, st.inspected, known));
    storing.catch(() => undefined); // awaited in the set's turn below
    return storing;
  });
  // Module entries are tagged with the set's index: nested submodules may share an entry.
  const batchable = staged.flatMap((st, i) => (st?.ok ? [{ i, inspected: st.inspected }] : []));
  const batch =
    batchable.length > 1
      ? await describeSet(
          root,
          batchable.flatMap(({ i, inspected }) => inspected.modules.map((m) => ({ entry: `${i}:${m.entry}`, file: `${sets[i].submodule}/${m.file}` }))),
          // The host reads the sets' directories, not the rest of the source.
          { ...opts.describe, read: batchable.map(({ inspected }) => inspected.dir) },
        )
      : null;
  const ofSet = <T extends { module: string }>(list: T[], i: number) =>
    list.filter((x) => x.module.startsWith(`${i}:`)).map((x) => ({ ...x, module: x.module.slice(`${i}:`.length) }));

  return pLimit(setConcurrencyOf(opts)).map(sets, async (set, i): Promise<Built> => {
    const st = staged[i];
    if (!st) return null;
    if (!st.ok) return st;
    const { inspected } = st;
    try {
      let described = batch ? { descriptors: ofSet(batch.descriptors, i), errors: ofSet(batch.errors, i) } : null;
      if (!described || described.errors.length) described = await describeSet(inspected.dir, inspected.modules, opts.describe);
      if (described.errors.length) throw new Error(described.errors.map((e) => `${e.module}: ${e.error}`).join("; "));
      const archive = (await stored[i]) ?? undefined;
      const { kept, refused } = filterPlugins(described.descriptors, set.filter);
      log("info", logLine("setDescribed", { set: set.submodule, version: set.version, plugins: kept.length, files: inspected.files.length, bytes: inspected.bytes }), set.submodule);
      for (const r of refused) {
        log("warn", logLine("pluginRefused", { set: set.submodule, code: r.code, version: r.version, reason: r.reason, pattern: r.pattern ?? "" }), set.submodule);
      }
      return {
        ok: true,
        entry: {
          source,
          submodule: set.submodule,
          version: set.version,
          importModules: set.importModules,
          configHash: configHash(set),
          revision: fetched.revision,
          status: "fresh",
          syncedAt: new Date().toISOString(),
          files: inspected.files,
          archive,
          modules: inspected.modules,
          plugins: kept,
          errors: [],
          ...(refused.length ? { refused } : {}),
        },
      };
    } catch (err) {
      if (err instanceof CacheUnavailableError) throw err; // the cache's failure, not the set's: the run fails
      return { ok: false, error: reasonOf(err) };
    }
  });
}

/**
 * Stores a set's files as one archive (cache/set-archive.ts) under its content address, unless the previous
 * generation names it (`known`) or the cache already has it: an unchanged set is never uploaded again. The bytes
 * packed are the bytes hashed at staging (checked again here). The staged copy is private to this run, and small
 * files are read with one synchronous call (see inspectSet), with a yield to the event loop every 64 files.
 */
async function storeArchive(cache: CacheStore, inspected: InspectedSet, known: Set<string>): Promise<NonNullable<SetEntry["archive"]>> {
  const files: { path: string; body: Buffer }[] = [];
  for (const file of inspected.files) {
    if (files.length % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    const staged = path.join(inspected.dir, ...file.path.split("/"));
    const body = file.size <= SYNC_READ_MAX ? fsSync.readFileSync(staged) : await fs.readFile(staged);
    if (createHash("sha256").update(body).digest("hex") !== file.sha256) throw new Error(`${file.path} changed while syncing`);
    files.push({ path: file.path, body });
  }
  const archive = await packSet(files);
  const ref = { sha256: createHash("sha256").update(archive).digest("hex"), size: archive.length };
  if (!known.has(ref.sha256) && !(await cache.has(archiveKey(ref.sha256)))) await cache.put(archiveKey(ref.sha256), archive);
  known.add(ref.sha256);
  return ref;
}
