import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { CacheUnavailableError } from "../cache/guard";
import { manifestKey, type CacheStore } from "../cache/types";
import { findClashes } from "../describe/clashes";
import { fetchers as defaultFetchers } from "../sources";
import type { DescribeOptions } from "../describe/describe-set";
import type { SetLimits } from "../stage/inspect-set";
import { buildSets } from "./build-sets";
import type { FetchLimits, SecretsByKind, SettingsByKind, SourceKind } from "../types";
import { sameContent, setKey, ZManifest, type Manifest, type SetEntry } from "./manifest";
import { signaturePolicyOf, stillTrusted } from "../trust/policy";
import type { TrustedKey } from "../trust/signing-key";
import type { Signer } from "../trust/verify-signature";
import { filters, type PluginFilter, type RefusedPlugin } from "./plugin-filter";
import { logLine, type SyncLogLine } from "../log-line";

export interface SyncSetInput {
  submodule: string;
  version: string;
  importModules: string[];
  /** The source's allow/deny lists (plugin-filter.ts): part of the set's config, so a change describes it again. */
  filter?: PluginFilter;
}

export type SyncSourceInput = {
  [K in SourceKind]: { name: string; kind: K; settings: SettingsByKind[K]; secret: SecretsByKind[K]; sets: SyncSetInput[] };
}[SourceKind];

export interface SetResult {
  submodule: string;
  status: SetEntry["status"] | "failed";
  plugins: number;
  error?: string;
  /** Plugins the source's allow/deny lists left out of the generation. */
  refused?: RefusedPlugin[];
}

export interface SourceResult {
  name: string;
  kind: SourceKind;
  status: "succeeded" | "reused" | "partial" | "failed";
  revision: string | null;
  durationMs: number;
  bytes: number;
  files: number;
  error?: string;
  sets: SetResult[];
  /** Under a signature policy: the allowed key that signed the revision (verified by this run, or still trusted). */
  signer?: Signer;
}

export type LogLevel = "info" | "warn" | "error";

export interface SyncOptions {
  runId: string;
  generation: number;
  sources: SyncSourceInput[];
  /** Sources not synced by this run (CLI --source): their entries are copied from `previous` unchanged. */
  keepSources?: string[];
  /** The generation this run builds on (last good copies, incremental reuse); null for the first run. */
  previous: Manifest | null;
  /** The active generation: a result with its content (sameContent) is "unchanged" and writes no manifest. */
  active?: Manifest | null;
  cache: CacheStore;
  /** A scratch directory for fetched sources; removed by the caller. */
  workDir: string;
  allowHttp: boolean;
  ca?: string;
  fetchLimits: FetchLimits;
  setLimits?: Partial<SetLimits>;
  describe?: DescribeOptions;
  /** Plugin sets of one source staged and described at once (SYNC_SET_CONCURRENCY). Default: CPUs, at most 4. */
  setConcurrency?: number;
  /** Fetch and describe, write nothing to the cache. */
  dryRun?: boolean;
  fetchers?: typeof defaultFetchers;
  /** The signing-key allow-list; each git source's signature policy picks its keys from it. */
  signingKeys?: readonly TrustedKey[];
  /**
   * Progress and problems. Every failure is exactly one "error" line: a failed source (its sets' carry-overs are
   * "warn"), a failed set in a healthy source, a clash. `set` is the submodule the line is about, if any.
   */
  log: (level: LogLevel, line: SyncLogLine, source?: string, set?: string) => void;
  onSource?: (result: SourceResult) => void;
}

export interface SyncOutcome {
  manifest: Manifest;
  results: SourceResult[];
  status: "succeeded" | "partial" | "failed";
  /** The result has the content of `active`. */
  unchanged: boolean;
  /** The manifest was written: generation `manifest.generation` exists in the cache. */
  written: boolean;
}

/** A set's config, hashed: an empty filter is left out, so sets synced before filters existed are still reused. */
export const configHash = (s: SyncSetInput) =>
  createHash("sha256")
    .update(JSON.stringify(filters(s.filter) ? [s.submodule, s.version, s.importModules, s.filter.allow, s.filter.deny] : [s.submodule, s.version, s.importModules]))
    .digest("hex")
    .slice(0, 16);

/** A set's refused plugins for its result (left out when there are none). */
const refusedOf = (entry: SetEntry) => (entry.refused?.length ? { refused: entry.refused } : {});

/** What a source's fetch stages: its sets' submodules, nothing else (what lies elsewhere cannot fail it). */
const submodulesOf = (source: SyncSourceInput) => source.sets.map((s) => s.submodule);

/** One line for a failure: the message only (no stack; fetchers never put secrets in messages). */
export const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0].slice(0, 500);

/**
 * Builds generation `opts.generation`: every enabled source fetched (or reused when its revision and set config are
 * unchanged), each set staged, checked and described in a describe host (a confined child process), its files
 * stored as one content-addressed archive, and the manifest written last — unless every source failed or the result
 * is the active generation's content. A failing source or set never stops the others; a failing set keeps its last
 * good copy.
 */
export async function runSync(opts: SyncOptions): Promise<SyncOutcome> {
  const fetchers = opts.fetchers ?? defaultFetchers;
  // Archives the previous generation names are in the cache (its manifest exists, so GC kept them): not asked for.
  const known = new Set(opts.previous?.sets.flatMap((s) => (s.archive ? [s.archive.sha256] : [])) ?? []);
  const manifest: Manifest = {
    schema: 1,
    generation: opts.generation,
    runId: opts.runId,
    createdAt: new Date().toISOString(),
    sources: [],
    sets: [],
    failed: [],
    clashes: [],
  };
  const results: SourceResult[] = [];

  // Every source's current revision is asked for at once (a no-op resync is mostly these round trips); each is
  // awaited in its source's turn below, so its outcome and log lines stay with that source. A source with nothing
  // to reuse is fetched anyway, and the fetch says which revision it got: no question asked.
  const revisions = opts.sources.map((source) => {
    if (!opts.previous?.sets.some((s) => s.source === source.name)) return null;
    const fetcher = fetchers[source.kind] as (typeof fetchers)[SourceKind];
    const previous = opts.previous?.sources.find((s) => s.name === source.name)?.revision ?? undefined;
    const ctx = { allowHttp: opts.allowHttp, limits: opts.fetchLimits, ca: opts.ca, log: () => undefined, previous, submodules: submodulesOf(source) };
    const pending = fetcher.revision(source.settings as never, source.secret as never, ctx);
    pending.catch(() => undefined); // handled in the source's turn
    return pending;
  });

  for (const [index, source] of opts.sources.entries()) {
    const started = Date.now();
    const log = (level: LogLevel, line: SyncLogLine, set?: string) => opts.log(level, line, source.name, set);
    const previousSets = new Map((opts.previous?.sets ?? []).filter((s) => s.source === source.name).map((s) => [s.submodule, s]));
    const result: SourceResult = { name: source.name, kind: source.kind, status: "succeeded", revision: null, durationMs: 0, bytes: 0, files: 0, sets: [] };
    // Under a signature policy, an unchanged revision is reused without fetching only while the key that signed it
    // is still trusted; otherwise it is fetched and verified again (a key removed from the allow-list fails it).
    const policy = signaturePolicyOf(source.settings as Record<string, unknown>, opts.signingKeys ?? []);
    const trustedBefore = policy ? stillTrusted(policy, opts.previous?.sources.find((s) => s.name === source.name)?.signer) : null;
    const firstSet = manifest.sets.length;
    const reusable = (set: SyncSetInput, revision: string, verified = !policy || trustedBefore !== null) => {
      const prev = previousSets.get(set.submodule);
      return verified && prev && prev.status !== "carried_over" && prev.revision === revision && prev.configHash === configHash(set) ? prev : undefined;
    };
    /** A set that failed on its own: one error line. A set of a failed source: a warning (the source's error said why). */
    const keepLastGood = (set: SyncSetInput, reason: string, sourceFailed = false) => {
      const prev = previousSets.get(set.submodule);
      if (prev) {
        manifest.sets.push({ ...prev, status: "carried_over", reason });
        result.sets.push({ submodule: set.submodule, status: "carried_over", plugins: prev.plugins.length, error: reason });
        const kept = { set: set.submodule, at: prev.syncedAt, revision: prev.revision.slice(0, 12) };
        log(sourceFailed ? "warn" : "error", sourceFailed ? logLine("setKeptSourceFailed", kept) : logLine("setKept", { ...kept, reason }), set.submodule);
      } else {
        manifest.failed.push({ source: source.name, submodule: set.submodule, error: reason });
        result.sets.push({ submodule: set.submodule, status: "failed", plugins: 0, error: reason });
        log(sourceFailed ? "warn" : "error", sourceFailed ? logLine("setLostSourceFailed", { set: set.submodule }) : logLine("setLost", { set: set.submodule, reason }), set.submodule);
      }
    };

    try {
      const fetcher = fetchers[source.kind] as (typeof fetchers)[SourceKind];
      const ctx = { allowHttp: opts.allowHttp, limits: opts.fetchLimits, ca: opts.ca, log: (l: SyncLogLine) => log("info", l), submodules: submodulesOf(source), signature: policy };
      const revision = await revisions[index];
      if (revision !== null) {
        log("info", logLine("revision", { kind: source.kind, revision: revision.slice(0, 12) }));
        result.revision = revision;
      }
      const allReusable = revision !== null && source.sets.every((s) => reusable(s, revision));
      if (allReusable) {
        for (const set of source.sets) {
          const prev = reusable(set, revision)!;
          manifest.sets.push({ ...prev, status: "reused", reason: undefined });
          result.sets.push({ submodule: set.submodule, status: "reused", plugins: prev.plugins.length, ...refusedOf(prev) });
        }
        result.status = "reused";
        if (trustedBefore) result.signer = trustedBefore;
        log("info", logLine("reused", { revision: revision.slice(0, 12), count: source.sets.length }));
      } else {
        const dir = path.join(opts.workDir, `${index}`);
        await fs.mkdir(dir, { recursive: true });
        const fetched = await fetcher.fetch(source.settings as never, source.secret as never, { ...ctx, dir });
        result.revision = fetched.revision;
        result.bytes = fetched.bytes;
        result.files = fetched.files;
        if (fetched.signer) result.signer = fetched.signer;
        log("info", logLine("fetched", { revision: fetched.revision.slice(0, 12), files: fetched.files, bytes: fetched.bytes }));
        const built = await buildSets(opts, source.name, source.sets, (set) => !reusable(set, fetched.revision, true), dir, fetched, known, log);
        source.sets.forEach((set, i) => {
          const outcome = built[i];
          if (!outcome) {
            const prev = reusable(set, fetched.revision, true)!;
            manifest.sets.push({ ...prev, status: "reused", reason: undefined });
            result.sets.push({ submodule: set.submodule, status: "reused", plugins: prev.plugins.length, ...refusedOf(prev) });
          } else if (outcome.ok) {
            manifest.sets.push(outcome.entry);
            result.sets.push({ submodule: set.submodule, status: "fresh", plugins: outcome.entry.plugins.length, ...refusedOf(outcome.entry) });
          } else {
            keepLastGood(set, outcome.error);
          }
        });
      }
    } catch (err) {
      if (err instanceof CacheUnavailableError) throw err; // nothing can be stored: the run fails, naming the cache
      result.error = reasonOf(err);
      log("error", logLine("sourceFailed", { reason: result.error }));
      for (const set of source.sets) keepLastGood(set, result.error, true);
    }

    // The sets this run synced or reused carry the revision's signer; a kept last good copy keeps its own.
    for (const set of manifest.sets.slice(firstSet)) if (set.status !== "carried_over") set.signer = result.signer;
    const failedSets = result.sets.filter((s) => s.status === "failed" || s.status === "carried_over").length;
    if (result.error || (failedSets > 0 && failedSets === result.sets.length)) result.status = "failed";
    else if (failedSets > 0) result.status = "partial";
    result.durationMs = Date.now() - started;
    manifest.sources.push({
      name: source.name,
      kind: source.kind,
      revision: result.revision,
      status: result.status === "failed" ? "failed" : result.status === "reused" ? "reused" : "synced",
      ...(result.error ? { error: result.error } : {}),
      ...(result.signer ? { signer: result.signer } : {}),
    });
    results.push(result);
    opts.onSource?.(result);
  }

  for (const name of opts.keepSources ?? []) {
    const prev = opts.previous?.sources.find((s) => s.name === name);
    if (!prev) continue;
    manifest.sources.push(prev);
    manifest.sets.push(...opts.previous!.sets.filter((s) => s.source === name));
    manifest.failed.push(...opts.previous!.failed.filter((f) => f.source === name));
  }

  manifest.clashes = findClashes(manifest.sets.map((s) => ({ key: setKey(s), descriptors: s.plugins })));
  for (const c of manifest.clashes) opts.log("error", logLine("clash", { plugin: `${c.code}@${c.version}`, sets: c.sets.join(", ") }));
  const checked = ZManifest.parse(manifest);
  const failed = results.filter((r) => r.status === "failed").length;
  const status = results.length > 0 && failed === results.length ? "failed" : failed > 0 || results.some((r) => r.status === "partial") || checked.clashes.length ? "partial" : "succeeded";
  // No generation when nothing was usable (every source failed) or nothing changed: a failed or idle sync must not
  // push good generations out of the SYNC_KEEP_GENERATIONS window, nor be activated.
  const unchanged = Boolean(opts.active && sameContent(checked, opts.active));
  const written = !opts.dryRun && status !== "failed" && !unchanged;
  if (written) await opts.cache.put(manifestKey(opts.generation), Buffer.from(JSON.stringify(checked, null, 1)));
  return { manifest: checked, results, status, unchanged, written };
}
