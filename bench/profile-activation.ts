/**
 * Where P3's activation time goes: `node --conditions=react-server --import tsx bench/profile-activation.ts [--runs N]`.
 *
 * On one 1,000-plugin generation (as P3 builds it) and a fresh runtime dir per run, times:
 *   - the product path: materializeGeneration, then buildRegistry;
 *   - its parts: readManifest (cache read, JSON.parse, ZManifest.parse), the per-set file copy as materialize does
 *     it (sets one after another, 8 files at a time, mkdir per file, writeFile "wx", temp dir + rename + marker),
 *     buildRegistry's structuredClone / deepFreeze of the descriptors;
 *   - alternatives (prototypes here, not product code): all files of all sets through one queue, one mkdir per
 *     directory, concurrency 8 / 32.
 * Also counts the fs/promises calls materializeGeneration makes (wrapping the module's functions).
 *
 * It profiles the per-file copy, so the generation is rewritten in the format before set archives (one object per
 * file, still loaded): P3 itself measures the archives.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { fsCache } from "../lib/plugins/cache/fs";
import { manifestKey, objectKey } from "../lib/plugins/cache/types";
import { materializeGeneration } from "../lib/plugins/loader/materialize";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "../lib/plugins/registry/builtins";
import { buildRegistry } from "../lib/plugins/registry/registry";
import { ZManifest, type Manifest } from "../lib/plugins/sync/manifest";
import { machine, median, removeTmpDirs, timeMs, tmpDir } from "./lib";
import { buildGeneration } from "./runtime.bench";
import { writeObjectFormat } from "../lib/plugins/__fixtures__/set-archives";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const RUNS = Math.max(1, Number(values.runs) || 7);

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** The copy as materialize.ts does it, without the safety checks: per set, temp dir, 8 files at a time, rename, marker. */
async function copyLikeProduct(cacheDir: string, manifest: Manifest, dir: string) {
  for (const entry of manifest.sets) {
    const setDir = path.join(dir, "sets", entry.source, entry.submodule);
    await fsp.readdir(path.dirname(setDir)).catch(() => []); // removeStaleTemps
    const tmp = `${setDir}.tmp-${randomBytes(6).toString("hex")}`;
    await fsp.mkdir(tmp, { recursive: true });
    await eachLimit(entry.files, 8, async (f) => {
      const body = await fsp.readFile(path.join(cacheDir, ...objectKey(f.sha256).split("/")));
      if (sha(body) !== f.sha256) throw new Error("mismatch");
      const target = path.join(tmp, ...f.path.split("/"));
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.writeFile(target, body, { flag: "wx" });
    });
    await fsp.rm(`${setDir}.verified`, { force: true });
    await fsp.rename(tmp, setDir);
    const m = `${setDir}.verified.${randomBytes(6).toString("hex")}.tmp`;
    await fsp.writeFile(m, "{}", { flag: "wx" });
    await fsp.rename(m, `${setDir}.verified`);
  }
}

/** Prototype: every file of every set through one queue of `limit`, directories created once up front. */
async function copyFlat(cacheDir: string, manifest: Manifest, dir: string, limit: number) {
  const jobs: { src: string; dst: string; sha256: string }[] = [];
  const dirs = new Set<string>();
  const tmps: [string, string][] = [];
  for (const entry of manifest.sets) {
    const setDir = path.join(dir, "sets", entry.source, entry.submodule);
    const tmp = `${setDir}.tmp-${randomBytes(6).toString("hex")}`;
    tmps.push([tmp, setDir]);
    for (const f of entry.files) {
      const dst = path.join(tmp, ...f.path.split("/"));
      dirs.add(path.dirname(dst));
      jobs.push({ src: path.join(cacheDir, ...objectKey(f.sha256).split("/")), dst, sha256: f.sha256 });
    }
  }
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  await eachLimit(jobs, limit, async (j) => {
    const body = await fsp.readFile(j.src);
    if (sha(body) !== j.sha256) throw new Error("mismatch");
    await fsp.writeFile(j.dst, body, { flag: "wx" });
  });
  await Promise.all(
    tmps.map(async ([tmp, setDir]) => {
      await fsp.rename(tmp, setDir);
      await fsp.writeFile(`${setDir}.verified`, "{}", { flag: "wx" });
    }),
  );
}

/** Counts and sums (not wall time: calls overlap) the fs/promises calls made while `fn` runs. */
async function countFsCalls(fn: () => Promise<unknown>) {
  const mod = fsp as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const names = ["readFile", "writeFile", "mkdir", "rename", "rm", "readdir", "stat", "lstat", "open"];
  const stats: Record<string, { n: number; ms: number }> = {};
  const saved = Object.fromEntries(names.map((n) => [n, mod[n]]));
  for (const n of names) {
    stats[n] = { n: 0, ms: 0 };
    mod[n] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await saved[n](...args);
      } finally {
        stats[n].n++;
        stats[n].ms += performance.now() - t;
      }
    };
  }
  try {
    await fn();
  } finally {
    Object.assign(mod, saved);
  }
  return Object.entries(stats)
    .filter(([, s]) => s.n)
    .map(([n, s]) => `${n} ×${s.n} (Σ ${s.ms.toFixed(0)} ms)`)
    .join(", ");
}

async function main() {
  console.log(`machine: ${machine()}`);
  const built = await buildGeneration(50);
  const gen = { ...built, manifest: await writeObjectFormat(fsCache(built.cacheDir), built.manifest, 1) };
  const dirs: string[] = [];
  const fresh = () => {
    const d = tmpDir("prof-rt");
    dirs.push(d);
    return d;
  };
  try {
    const cache = fsCache(gen.cacheDir);
    const t: Record<string, number[]> = {};
    const rec = async (k: string, fn: () => unknown) => (t[k] ??= []).push(await timeMs(fn));
    const registryOf = (loaded: Awaited<ReturnType<typeof materializeGeneration>>) =>
      buildRegistry({ generation: 1, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
    const allObjects = gen.manifest.sets.flatMap((s) => s.files.map((f) => path.join(gen.cacheDir, ...objectKey(f.sha256).split("/"))));
    // warm-up
    registryOf(await materializeGeneration({ cache, generation: 1, runtimeRoot: fresh() }));
    for (let i = 0; i < RUNS; i++) {
      await rec("P3's baseline: fs.promises.readFile + sha256, 8 at a time", () => eachLimit(allObjects, 8, async (f) => void sha(await fsp.readFile(f))));
      await rec("same bytes with readFileSync + sha256", () => allObjects.forEach((f) => void sha(fs.readFileSync(f))));
      let loaded!: Awaited<ReturnType<typeof materializeGeneration>>;
      const rt = fresh();
      await rec("product: materializeGeneration", async () => (loaded = await materializeGeneration({ cache, generation: 1, runtimeRoot: rt })));
      await rec("product: buildRegistry", () => registryOf(loaded));
      let raw!: Buffer;
      let json!: unknown;
      await rec("  readManifest: cache.get", async () => (raw = await cache.get(manifestKey(1))));
      await rec("  readManifest: JSON.parse", () => (json = JSON.parse(raw.toString("utf8"))));
      await rec("  readManifest: ZManifest.parse", () => ZManifest.parse(json));
      await rec("  writeAtomic manifest.json (stringify + write)", async () => {
        const d = fresh();
        const s = JSON.stringify(gen.manifest, null, 1);
        await fsp.writeFile(path.join(d, "m.tmp"), s, { flag: "wx" });
        await fsp.rename(path.join(d, "m.tmp"), path.join(d, "manifest.json"));
      });
      await rec("  copy like materialize (sets in sequence, 8 files at a time)", () => copyLikeProduct(gen.cacheDir, gen.manifest, fresh()));
      const descriptors = loaded.sets.flatMap((s) => s.entry.plugins);
      await rec("  buildRegistry part: structuredClone of 1,000 descriptors", () => descriptors.map((d) => structuredClone(d)));
      await rec("prototype: one queue for all files, mkdir once per dir, 8 at a time", () => copyFlat(gen.cacheDir, gen.manifest, fresh(), 8));
      await rec("prototype: same, 32 at a time", () => copyFlat(gen.cacheDir, gen.manifest, fresh(), 32));
      await rec("prototype: async read through cache.getIfExists (8 at a time), sync mkdir once per dir + writeFileSync", async () => {
        const d = fresh();
        for (const entry of gen.manifest.sets) fs.mkdirSync(path.join(d, "sets", entry.source, entry.submodule, "lib"), { recursive: true });
        const jobs = gen.manifest.sets.flatMap((entry) => entry.files.map((f) => ({ f, dst: path.join(d, "sets", entry.source, entry.submodule, ...f.path.split("/")) })));
        await eachLimit(jobs, 8, async ({ f, dst }) => {
          const body = (await cache.getIfExists(objectKey(f.sha256)))!;
          if (sha(body) !== f.sha256) throw new Error("mismatch");
          fs.writeFileSync(dst, body, { flag: "wx" });
        });
      });
      await rec("prototype: same, sync fs (readFileSync/writeFileSync)", async () => {
        const d = fresh();
        for (const entry of gen.manifest.sets) {
          const setDir = path.join(d, "sets", entry.source, entry.submodule);
          fs.mkdirSync(path.join(setDir, "lib"), { recursive: true });
          for (const f of entry.files) {
            const body = fs.readFileSync(path.join(gen.cacheDir, ...objectKey(f.sha256).split("/")));
            if (sha(body) !== f.sha256) throw new Error("mismatch");
            fs.writeFileSync(path.join(setDir, ...f.path.split("/")), body, { flag: "wx" });
          }
        }
      });
    }
    const calls = await countFsCalls(() => materializeGeneration({ cache, generation: 1, runtimeRoot: fresh() }));
    console.log(`\n${gen.manifest.sets.length} sets, ${allObjects.length} files, ${gen.manifest.sets.reduce((n, s) => n + s.plugins.length, 0)} plugins; medians of ${RUNS} runs (ms)\n`);
    for (const [k, xs] of Object.entries(t)) console.log(`${median(xs).toFixed(1).padStart(8)}  ${k}`);
    console.log(`\nfs/promises calls of one materializeGeneration: ${calls}`);
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    gen.cleanup();
  }
}

process.on("exit", removeTmpDirs);

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
