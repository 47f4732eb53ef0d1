/**
 * P3 — start-up activation of a 1,000-plugin generation from the fs cache into a fresh runtime dir (materialise +
 *      build the registry), against reading the same archives, writing their files into a fresh directory and
 *      sha256 of every file (the least an activation must do: plugin hosts import files).      target ≤ +50 ms
 * P5 — a no-op plugin through a warm plugin host (pool.execute round trip, median: a confined child process),
 *      against a direct in-process call of the same function.                                 target ≤ 2 ms
 */
import { setMaxListeners } from "node:events";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createHash } from "node:crypto";
import { fsCache } from "../lib/plugins/cache/fs";
import { readSetArchive } from "../lib/plugins/cache/set-archive";
import { archiveKey } from "../lib/plugins/cache/types";
import { materializeGeneration } from "../lib/plugins/loader/materialize";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "../lib/plugins/registry/builtins";
import { buildRegistry } from "../lib/plugins/registry/registry";
import { DEFAULT_FETCH_LIMITS } from "../lib/plugins/sources";
import { readManifest, type Manifest } from "../lib/plugins/sync/manifest";
import { runSync } from "../lib/plugins/sync/run-sync";
import { createExecutionPool } from "../lib/plugins/host/pool";
import { generatePackages } from "./generate";
import { fmt, median, paired, timeMs, tmpDir, type Result } from "./lib";

/** One generation of `sets` × 20 plugins (20 files per set) synced from an fs source into a new fs cache. */
export async function buildGeneration(sets: number): Promise<{ cacheDir: string; manifest: Manifest; cleanup(): void }> {
  const pkgDir = tmpDir("p3pkg");
  const cacheDir = tmpDir("p3cache");
  const workDir = tmpDir("p3work");
  try {
    const pkg = generatePackages(pkgDir, { sets, filesPerSet: 20, pluginsPerSet: 20 });
    const out = await runSync({
      runId: "bench",
      generation: 1,
      sources: [{ name: "bench", kind: "fs", settings: { path: pkg.root }, secret: {}, sets: pkg.sets }],
      previous: null,
      cache: fsCache(cacheDir),
      workDir,
      allowHttp: true,
      fetchLimits: DEFAULT_FETCH_LIMITS,
      log: () => undefined,
    });
    if (out.status !== "succeeded") throw new Error(`P3 sync ${out.status}`);
    return { cacheDir, manifest: out.manifest, cleanup: () => fs.rmSync(cacheDir, { recursive: true, force: true }) };
  } catch (err) {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    throw err;
  } finally {
    fs.rmSync(pkgDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * What an activation from archives must at least do: read each archive (at most `limit` reads in flight, the
 * loader's IO_CONCURRENCY is 8), write its files into `dir`, and hash every file.
 */
async function readExtractAndHash(archives: string[], dir: string, limit = 8): Promise<number> {
  let next = 0;
  let files = 0;
  const lane = async () => {
    while (next < archives.length) {
      const i = next++;
      const body = await fsp.readFile(archives[i]);
      createHash("sha256").update(body).digest("hex");
      const root = path.join(dir, String(i));
      await readSetArchive(body, (e) => {
        const file = path.join(root, ...e.name.split("/"));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, e.body);
        createHash("sha256").update(e.body).digest("hex");
        files++;
      });
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return files;
}

export async function p3(runs: number): Promise<Result> {
  const gen = await buildGeneration(50);
  const runtimeDirs: string[] = [];
  try {
    const cache = fsCache(gen.cacheDir);
    const archives = gen.manifest.sets.map((s) => path.join(gen.cacheDir, ...archiveKey(s.archive!.sha256).split("/")));
    const files = gen.manifest.sets.reduce((n, s) => n + s.files.length, 0);
    const expectPlugins = gen.manifest.sets.reduce((n, s) => n + s.plugins.length, 0) + BUILTIN_DESCRIPTORS.length;
    let runtimeRoot = "";
    const activate = async () => {
      const loaded = await materializeGeneration({ cache, generation: 1, runtimeRoot });
      const registry = buildRegistry({ generation: 1, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
      if (registry.all().length !== expectPlugins) throw new Error(`P3: registry has ${registry.all().length} plugins, want ${expectPlugins}`);
      return { loaded, registry };
    };
    // Warm-up (module JIT, zod schemas) outside the measured runs.
    runtimeRoot = tmpDir("p3rt");
    runtimeDirs.push(runtimeRoot);
    await activate();
    await readExtractAndHash(archives, runtimeRoot + "-baseline");
    const r = await paired(
      runs,
      () => readExtractAndHash(archives, runtimeRoot),
      () => activate(),
      async () => {
        runtimeRoot = tmpDir("p3rt");
        runtimeDirs.push(runtimeRoot);
      },
    );
    // Where the subject's time goes (separate runs, same fresh-dir conditions).
    const stage = { manifest: [] as number[], materialize: [] as number[], registry: [] as number[], firstList: [] as number[] };
    for (let i = 0; i < runs; i++) {
      runtimeRoot = tmpDir("p3rt");
      runtimeDirs.push(runtimeRoot);
      stage.manifest.push(await timeMs(() => readManifest(cache, 1)));
      let loaded!: Awaited<ReturnType<typeof materializeGeneration>>;
      stage.materialize.push(await timeMs(async () => (loaded = await materializeGeneration({ cache, generation: 1, runtimeRoot }))));
      let registry!: ReturnType<typeof buildRegistry>;
      stage.registry.push(
        await timeMs(() => (registry = buildRegistry({ generation: 1, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE }))),
      );
      stage.firstList.push(await timeMs(() => registry.list({ locale: "en" })));
    }
    const diff = r.subject - r.baseline;
    return {
      id: "P3",
      measure: `activation of ${expectPlugins - BUILTIN_DESCRIPTORS.length} plugins / ${files} files (${archives.length} archives) from the fs cache into a fresh runtime dir (ms, median of ${runs})`,
      value: r.subject,
      baseline: r.baseline,
      unit: "ms",
      verdict: `+${fmt(diff)} ms, ${fmt(r.subject / r.baseline, 2)}× (target ≤ +50 ms)`,
      pass: diff <= 50,
      notes:
        `read archives + write + sha256 of each file ${fmt(r.baseline)} ms [${r.baselineRuns.map((x) => fmt(x, 0)).join(", ")}]; activation ${fmt(r.subject)} ms [${r.subjectRuns.map((x) => fmt(x, 0)).join(", ")}]; ` +
        `stages: readManifest ${fmt(median(stage.manifest))} ms (inside materialise), materialise ${fmt(median(stage.materialize))} ms, buildRegistry ${fmt(median(stage.registry))} ms, first list() ${fmt(median(stage.firstList))} ms (not counted)`,
    };
  } finally {
    for (const d of runtimeDirs) fs.rmSync(d, { recursive: true, force: true });
    gen.cleanup();
  }
}

const NOOP_MODULE = `export const plugins = [{
  code: "bench_noop", name: "No-op", version: "1.0.0", group: { code: "BENCH", name: "Bench" },
  inputs: [], outputs: [],
  async execute() { return {}; },
}];
`;

const ROUND_TRIPS = 300;

export async function p5(runs: number): Promise<Result> {
  const dir = tmpDir("p5");
  const file = path.join(dir, "noop.mjs");
  fs.writeFileSync(file, NOOP_MODULE);
  const pool = createExecutionPool({ name: "bench", maxHosts: 1 });
  try {
    const mod = (await import(pathToFileURL(file).href)) as { plugins: { code: string; version: string; name: string; group: { code: string; name: string }; inputs: []; outputs: []; execute: (i: unknown, c: unknown) => Promise<unknown> }[] };
    const plugin = mod.plugins[0];
    const { execute, ...descriptor } = plugin;
    const req = { file, descriptor, inputs: {} };
    const ctx = { signal: new AbortController().signal, log: () => undefined, runId: undefined, nodeId: undefined };
    for (let i = 0; i < 200; i++) {
      const res = await pool.execute(req);
      if (res.status !== "succeeded") throw new Error(`P5 warm-up: ${res.status} ${res.error}`);
      await execute.call(plugin, {}, ctx);
    }
    const direct: number[] = [];
    const pooled: number[] = [];
    const p99s: number[] = [];
    for (let r = 0; r < runs; r++) {
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < ROUND_TRIPS; i++) {
        a.push(await timeMs(() => execute.call(plugin, {}, ctx)));
        b.push(await timeMs(() => pool.execute(req)));
      }
      direct.push(median(a));
      pooled.push(median(b));
      p99s.push([...b].sort((x, y) => x - y)[Math.floor(b.length * 0.99)]);
    }
    const subject = median(pooled);
    const baseline = median(direct);
    return {
      id: "P5",
      measure: `pool.execute round trip of a no-op plugin, 1 warm plugin host (ms, median of ${runs} × ${ROUND_TRIPS})`,
      value: subject,
      baseline,
      unit: "ms",
      verdict: `${fmt(subject, 3)} ms round trip, +${fmt(subject - baseline, 3)} ms over a direct call (target ≤ 2 ms)`,
      pass: subject <= 2,
      notes: `direct call ${fmt(baseline * 1000, 1)} µs; round trip ${fmt(subject, 3)} ms [${pooled.map((x) => fmt(x, 3)).join(", ")}], p99 ${fmt(median(p99s), 3)} ms; ratio ${fmt(subject / baseline, 0)}×`,
    };
  } finally {
    await pool.close({ force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * P8 — activation of a 1,000-plugin generation until its execution pool has served a first call: materialise +
 * registry + pool, then one plugin of a set in the middle run in a fresh (cold) plugin host. Against the same
 * activation followed by a plain in-process `import()` of that module and the same call (what running plugin code
 * without a host costs).                                                                        target ≤ 500 ms
 */
export async function p8(runs: number): Promise<Result> {
  const gen = await buildGeneration(50);
  const runtimeDirs: string[] = [];
  const pools: ReturnType<typeof createExecutionPool>[] = [];
  try {
    const cache = fsCache(gen.cacheDir);
    let runtimeRoot = "";
    const activate = async () => {
      const loaded = await materializeGeneration({ cache, generation: 1, runtimeRoot });
      return buildRegistry({ generation: 1, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
    };
    const code = "bench_25_7";
    const viaHost = async () => {
      const registry = await activate();
      const pool = createExecutionPool({ name: "p8" });
      pools.push(pool);
      const plugin = registry.get(code)!;
      const res = await pool.execute({ ...registry.locate(code, plugin.version)!, descriptor: plugin, inputs: { message: "hi" } });
      if (res.status !== "succeeded" || res.outputs?.echo !== "hi") throw new Error(`P8: ${res.status} ${res.error}`);
    };
    const inProcess = async () => {
      const registry = await activate();
      const at = registry.locate(code, "1.0.0")!;
      const mod = (await import(pathToFileURL(at.file).href)) as { plugins: { code: string; execute: (i: unknown) => Promise<{ echo: string }> }[] };
      const out = await mod.plugins.find((p) => p.code === code)!.execute({ message: "hi" });
      if (out.echo !== "hi") throw new Error("P8: in-process call failed");
    };
    const fresh = async () => {
      runtimeRoot = tmpDir("p8rt");
      runtimeDirs.push(runtimeRoot);
      for (const p of pools.splice(0)) await p.close({ force: true });
    };
    await fresh();
    await viaHost(); // warm-up (JIT, zod schemas)
    await fresh();
    await inProcess();
    const r = await paired(runs, inProcess, viaHost, fresh);
    return {
      id: "P8",
      measure: `activation of ${gen.manifest.sets.reduce((n, s) => n + s.plugins.length, 0)} plugins until a cold plugin host has served a first call (ms, median of ${runs})`,
      value: r.subject,
      baseline: r.baseline,
      unit: "ms",
      verdict: `${fmt(r.subject)} ms, +${fmt(r.subject - r.baseline)} ms over an in-process import (target ≤ 500 ms)`,
      pass: r.subject <= 500,
      notes: `in-process ${fmt(r.baseline)} ms [${r.baselineRuns.map((x) => fmt(x, 0)).join(", ")}]; via a host ${fmt(r.subject)} ms [${r.subjectRuns.map((x) => fmt(x, 0)).join(", ")}]`,
    };
  } finally {
    for (const p of pools) await p.close({ force: true });
    for (const d of runtimeDirs) fs.rmSync(d, { recursive: true, force: true });
    gen.cleanup();
  }
}

/**
 * F1 — fair use: another user's no-op call while one member has 10 Sleep calls running or waiting on the default
 * pool (4 hosts, 2 per user), against the same call on an idle pool.                    target ≤ +1,000 ms
 */
export async function f1(runs: number): Promise<Result> {
  const log = BUILTIN_DESCRIPTORS.find((d) => d.code === "builtin_log")!;
  const sleep = BUILTIN_DESCRIPTORS.find((d) => d.code === "builtin_sleep")!;
  const at = { file: BUILTIN_MODULE_FILE, root: path.dirname(BUILTIN_MODULE_FILE) };
  const pool = createExecutionPool({ name: "f1" });
  const quick = async () => {
    const r = await pool.execute({ ...at, descriptor: log, inputs: { message: "hi" }, user: "other" });
    if (r.status !== "succeeded") throw new Error(`F1: ${r.status} ${r.error}`);
  };
  try {
    await quick(); // warm host
    const idle: number[] = [];
    const busy: number[] = [];
    for (let i = 0; i < runs; i++) {
      idle.push(await timeMs(quick));
      const controller = new AbortController();
      setMaxListeners(20, controller.signal); // one signal for the 10 calls (each removes its listener when done)
      const burst = Array.from({ length: 10 }, () => pool.execute({ ...at, descriptor: sleep, inputs: { ms: 10_000 }, user: "member", signal: controller.signal }));
      while (pool.stats().running < 2) await new Promise((r) => setTimeout(r, 5));
      busy.push(await timeMs(quick));
      controller.abort();
      await Promise.all(burst);
    }
    const subject = median(busy);
    const baseline = median(idle);
    return {
      id: "F1",
      measure: `another user's call while one member has 10 Sleep calls on the default pool (ms, median of ${runs})`,
      value: subject,
      baseline,
      unit: "ms",
      verdict: `+${fmt(subject - baseline, 2)} ms over an idle pool (target ≤ +1,000 ms)`,
      pass: subject - baseline <= 1000,
      notes: `idle ${fmt(baseline, 2)} ms [${idle.map((x) => fmt(x, 2)).join(", ")}]; with the burst ${fmt(subject, 2)} ms [${busy.map((x) => fmt(x, 2)).join(", ")}]`,
    };
  } finally {
    await pool.close({ force: true });
  }
}
