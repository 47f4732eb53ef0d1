import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import type { CacheStore } from "../cache/types";
import { readManifestWithBytes, setKey, ZManifest, type Manifest, type SetEntry } from "../sync/manifest";
import { PluginSourceError } from "../types";
import { IO_CONCURRENCY, summarize, verifyLocalSet } from "./local-copy";
import { messageOf, SetProblem, writeSetFiles } from "./set-files";
import { duplicateEntries, fileIn, GENERATION_DIR, generationDirName, setDigest, setDirOf, unsafeEntryReason } from "./paths";

export type LoaderLog = (level: "info" | "warn" | "error", line: string) => void;

export interface LoadedSet {
  source: string;
  submodule: string;
  /** Absolute directory of the set's files (where they are, or would be had the set loaded). */
  dir: string;
  /** carried_over: loaded and usable, but the sync that built this generation kept an older copy (see reason). */
  status: "loaded" | "integrity_failed" | "carried_over";
  reason?: string;
  entry: SetEntry;
}

export interface MaterializedGeneration {
  generation: number;
  manifest: Manifest;
  /** cache: the manifest was read from the cache; local: the cache could not be used, the local copy was verified. */
  origin: "cache" | "local";
  /** <runtimeRoot>/g<nnnnnnnn> */
  dir: string;
  sets: LoadedSet[];
}

export interface MaterializeOptions {
  /** Null when no cache is configured: only a local copy can be used. */
  cache: CacheStore | null;
  generation: number;
  /** A local directory owned by this instance (one sub-directory per generation). */
  runtimeRoot: string;
  log?: LoaderLog;
}

/** Neither the cache nor a local copy can provide the generation. */
export class GenerationUnavailableError extends PluginSourceError {
  constructor(
    message: string,
    readonly generation: number,
  ) {
    super(message, "integrity");
    this.name = "GenerationUnavailableError";
  }
}

const STALE_TEMP_MS = 10 * 60_000;
const hex = () => randomBytes(6).toString("hex");

/** One materialisation per generation directory at a time in this process (others wait, then reuse its work). */
const busy = new Map<string, Promise<unknown>>();
function exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (busy.get(key) ?? Promise.resolve()).catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  busy.set(key, tail);
  void tail.then(() => busy.get(key) === tail && busy.delete(key));
  return run;
}

/**
 * Makes generation `generation` usable from local disk: reads and validates its manifest from the cache, writes
 * it to `<dir>/manifest.json`, and writes each set's files from the cache (its archive, or in older generations one
 * object per file; see set-files.ts) into `<dir>/sets/…`, checking sha256 and size of every file before it is written. A set is written into a temp directory and renamed into
 * place only when complete; its `.verified` marker (the set's digest) comes last. A set whose local copy already
 * matches the manifest (marker AND every file's digest) is reused, so a restart reads no objects.
 *
 * A set with a missing or altered archive or object, an archive entry that is not exactly a listed file, or a name
 * in the manifest that would leave its directory, is `integrity_failed` (reason names the file); the other sets still load. When the cache is null or its manifest
 * cannot be read, the local copy is used instead: its manifest.json is read and every set re-verified on disk
 * (origin "local"); without a usable local copy this throws GenerationUnavailableError.
 */
export function materializeGeneration(opts: MaterializeOptions): Promise<MaterializedGeneration> {
  if (!Number.isSafeInteger(opts.generation) || opts.generation < 1) {
    return Promise.reject(new TypeError(`invalid generation id: ${String(opts.generation)}`));
  }
  const dir = path.join(path.resolve(opts.runtimeRoot), generationDirName(opts.generation));
  return exclusive(dir, () => materialize(opts, dir));
}

async function materialize(opts: MaterializeOptions, dir: string): Promise<MaterializedGeneration> {
  const log = opts.log ?? (() => undefined);
  let cacheProblem = "no cache is configured";
  if (opts.cache) {
    let read: { manifest: Manifest; raw: Buffer } | null = null;
    try {
      read = await readManifestWithBytes(opts.cache, opts.generation);
      if (read.manifest.generation !== opts.generation) throw new SetProblem(`it is the manifest of generation ${read.manifest.generation}`);
    } catch (err) {
      read = null;
      cacheProblem = cacheReadProblem(opts.cache, opts.generation, err);
    }
    // Errors from here on are the local disk's: they are thrown, not mistaken for an unreachable cache.
    if (read) return fromCache(opts.cache, read.manifest, read.raw, dir, log);
  }
  log("warn", `generation ${opts.generation}: ${cacheProblem}; verifying the local copy at ${dir}`);
  return fromLocal(opts.generation, dir, cacheProblem, log);
}

/** Why the cache could not provide the manifest, in words for the log and the error. */
function cacheReadProblem(cache: CacheStore, generation: number, err: unknown): string {
  const e = err as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  if (e.code === "ENOENT" || e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404) {
    return `the cache ${cache.location} has no manifest for generation ${generation}`;
  }
  if (err instanceof SetProblem || err instanceof SyntaxError || e.name === "ZodError") {
    return `the cache's manifest for generation ${generation} is invalid (${messageOf(err)})`;
  }
  return `the cache ${cache.location} is unreachable (${messageOf(err)})`;
}

/**
 * Sets are materialised IO_CONCURRENCY at a time: each is one cache read (its archive), so a generation of many
 * sets in S3 costs round trips in parallel, not one after another; at most that many archives are in memory. The
 * per-set bookkeeping on the local runtime directory (markers, temp directories, renames) uses synchronous calls:
 * a few hundred small awaited operations cost more than the copying (P3 in BENCHMARKS.md). Each set yields to the
 * event loop when done, so a reload while serving blocks it for about a set's worth of files at a time.
 */
async function fromCache(cache: CacheStore, manifest: Manifest, raw: Buffer, dir: string, log: LoaderLog): Promise<MaterializedGeneration> {
  mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, "manifest.json"), raw);
  const dups = duplicateEntries(manifest);
  const lane = pLimit(IO_CONCURRENCY);
  const sets = await Promise.all(
    manifest.sets.map((entry) =>
      lane(async () => {
        const setDir = setDirOf(dir, entry);
        const unsafe = dups.has(entry) ? "the set is listed twice in the manifest" : unsafeEntryReason(entry);
        const set = unsafe ? failed(entry, setDir, unsafe, log) : await materializeSet(cache, entry, setDir, log);
        await new Promise((resolve) => setImmediate(resolve));
        return set;
      }),
    ),
  );
  log("info", `generation ${manifest.generation} materialised from the cache at ${dir}: ${summaryOf(sets)}`);
  return { generation: manifest.generation, manifest, origin: "cache", dir, sets };
}

async function materializeSet(cache: CacheStore, entry: SetEntry, setDir: string, log: LoaderLog): Promise<LoadedSet> {
  const digest = setDigest(entry);
  const marker = `${setDir}.verified`;
  if (readMarker(marker) === digest && (await verifyLocalSet(setDir, entry.files)).length === 0) {
    return loaded(entry, setDir);
  }
  removeStaleTemps(setDir);
  const tmp = `${setDir}.tmp-${hex()}`;
  try {
    mkdirSync(tmp, { recursive: true });
    // Directories once, small files written synchronously: a thousand awaited mkdir/write calls cost more than the
    // bytes (P3 in BENCHMARKS.md).
    for (const dir of new Set(entry.files.map((f) => path.dirname(fileIn(tmp, f.path))))) mkdirSync(dir, { recursive: true });
    await writeSetFiles(cache, entry, tmp);
    rmSync(marker, { force: true });
    swapIntoPlace(tmp, setDir);
    writeAtomic(marker, JSON.stringify({ digest, files: entry.files.length, verifiedAt: new Date().toISOString() }));
    return loaded(entry, setDir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    return failed(entry, setDir, err instanceof SetProblem ? err.message : `cannot be written locally (${messageOf(err)})`, log);
  }
}

async function fromLocal(generation: number, dir: string, cacheProblem: string, log: LoaderLog): Promise<MaterializedGeneration> {
  let manifest: Manifest;
  try {
    manifest = ZManifest.parse(JSON.parse(await fs.readFile(path.join(dir, "manifest.json"), "utf8")));
    if (manifest.generation !== generation) throw new Error(`it is the manifest of generation ${manifest.generation}`);
  } catch (err) {
    const local =
      (err as NodeJS.ErrnoException).code === "ENOENT"
        ? `no local copy exists at ${dir}`
        : `the local copy at ${dir} has no valid manifest.json (${messageOf(err)})`;
    throw new GenerationUnavailableError(`cannot load plugin generation ${generation}: ${cacheProblem}, and ${local}`, generation);
  }
  const dups = duplicateEntries(manifest);
  const sets: LoadedSet[] = [];
  for (const entry of manifest.sets) {
    const setDir = setDirOf(dir, entry);
    const unsafe = dups.has(entry) ? "the set is listed twice in the manifest" : unsafeEntryReason(entry);
    if (unsafe) {
      sets.push(failed(entry, setDir, unsafe, log));
      continue;
    }
    const problems = await verifyLocalSet(setDir, entry.files);
    sets.push(problems.length ? failed(entry, setDir, summarize(problems), log) : loaded(entry, setDir));
  }
  log("info", `generation ${generation} verified from the local copy at ${dir}: ${summaryOf(sets)}`);
  return { generation, manifest, origin: "local", dir, sets };
}

const loaded = (entry: SetEntry, dir: string): LoadedSet =>
  entry.status === "carried_over"
    ? { source: entry.source, submodule: entry.submodule, dir, status: "carried_over", reason: entry.reason ?? "carried over from an earlier sync", entry }
    : { source: entry.source, submodule: entry.submodule, dir, status: "loaded", entry };

function failed(entry: SetEntry, dir: string, reason: string, log: LoaderLog): LoadedSet {
  log("error", `plugin set ${setKey(entry)}: ${reason}; its plugins are not loaded`);
  return { source: entry.source, submodule: entry.submodule, dir, status: "integrity_failed", reason, entry };
}

function summaryOf(sets: LoadedSet[]): string {
  const bad = sets.filter((s) => s.status === "integrity_failed").length;
  return `${sets.length - bad} set(s) loaded${bad ? `, ${bad} failed the integrity check` : ""}`;
}

function readMarker(file: string): string | null {
  try {
    const digest = (JSON.parse(readFileSync(file, "utf8")) as { digest?: unknown }).digest;
    return typeof digest === "string" ? digest : null;
  } catch {
    return null;
  }
}

function writeAtomic(file: string, body: string | Buffer): void {
  const tmp = `${file}.${hex()}.tmp`;
  writeFileSync(tmp, body, { flag: "wx" });
  renameSync(tmp, file);
}

/** Renames a complete temp directory onto the set's directory, replacing a stale copy there. */
function swapIntoPlace(tmp: string, target: string): void {
  try {
    renameSync(tmp, target);
    return;
  } catch (err) {
    if (!["ENOTEMPTY", "EEXIST", "EISDIR", "ENOTDIR", "EPERM"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
  }
  const old = `${target}.old-${hex()}`;
  renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
}

/** Temp and replaced directories a crashed materialisation left next to a set (old enough not to be in use). */
function removeStaleTemps(setDir: string): void {
  const parent = path.dirname(setDir);
  const prefix = `${path.basename(setDir)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(`${prefix}tmp-`) && !name.startsWith(`${prefix}old-`)) continue;
    const stat = statSync(path.join(parent, name), { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs > STALE_TEMP_MS) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/**
 * Deletes every `g<nnnnnnnn>` directory under `runtimeRoot` except those of `keep` (and any being materialised
 * right now in this process). Returns the directories removed.
 */
export async function pruneRuntime(runtimeRoot: string, keep: number[]): Promise<string[]> {
  const root = path.resolve(runtimeRoot);
  const keepNames = new Set(keep.map(generationDirName));
  const entries = await fs.readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [];
    throw err;
  });
  const removed: string[] = [];
  for (const e of entries) {
    const abs = path.join(root, e.name);
    if (!e.isDirectory() || !GENERATION_DIR.test(e.name) || keepNames.has(e.name) || busy.has(abs)) continue;
    await fs.rm(abs, { recursive: true, force: true });
    removed.push(abs);
  }
  return removed;
}
