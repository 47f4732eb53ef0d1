/**
 * Where P1's time goes: `node --conditions=react-server --import tsx bench/profile-sync.ts [--runs N]`.
 *
 * The P1 setup (one git source, 50 sets / 1,000 files, local smart HTTP). Per run:
 *   - baseline: `git clone --depth 1` + copy (as P1);
 *   - runSync as P1 runs it, with the fetcher and the cache wrapped to time them: git revision (ls-remote), git
 *     fetch (isomorphic-git pack fetch, from the fetcher's own log line) and tree write, then the sets phase
 *     (wall time; Σ of cache has/put within it, which overlap when sets are built concurrently);
 *   - the stages again one by one on a fetched copy: inspectSet and describeSet per set (50 describe workers, the
 *     old design), describeSet of all sets in one worker (runSync now), the cache writes, and a bare
 *     `new Worker` start + exit 50 times;
 *   - the git tree write split: isomorphic-git readTree / readBlob of every blob (delta chains resolved per blob,
 *     writeTree before) vs PackReader (writeTree now), the file writes alone, async and sync, and isomorphic-git's
 *     indexPack of the fetched pack (part of its fetch, not ours to skip);
 *   - P2's no-op resync: 20 revision checks one after another vs all at once.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { Worker } from "node:worker_threads";
import isogit from "isomorphic-git";
import gitHttp from "isomorphic-git/http/node";
import { startGitServer } from "../lib/plugins/__fixtures__/git-server";
import { fsCache } from "../lib/plugins/cache/fs";
import { packSet } from "../lib/plugins/cache/set-archive";
import { archiveKey, type CacheStore } from "../lib/plugins/cache/types";
import { describeSet } from "../lib/plugins/describe/describe-set";
import { DEFAULT_FETCH_LIMITS, fetchers as defaultFetchers, gitFetcher } from "../lib/plugins/sources";
import { PackReader } from "../lib/plugins/sources/git/pack";
import { inspectSet } from "../lib/plugins/stage/inspect-set";
import { runSync } from "../lib/plugins/sync/run-sync";
import { generatePackages } from "./generate";
import { machine, median, readFiles, removeTmpDirs, timeMs, tmpDir } from "./lib";
import { englishSyncLog } from "../lib/i18n/sync-log";

const execFileP = promisify(execFile);
const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const RUNS = Math.max(1, Number(values.runs) || 5);

/** A cache that times its calls (summed over calls: with sets built concurrently they overlap, so Σ > wall time). */
function timedCache(inner: CacheStore, t: { has: number; put: number; puts: number }): CacheStore {
  return {
    ...inner,
    async has(key) {
      const s = performance.now();
      try {
        return await inner.has(key);
      } finally {
        t.has += performance.now() - s;
      }
    },
    async put(key, body) {
      const s = performance.now();
      try {
        return await inner.put(key, body);
      } finally {
        t.put += performance.now() - s;
        t.puts++;
      }
    },
  };
}

async function main() {
  console.log(`machine: ${machine()}`);
  const git = await startGitServer();
  const pkgDir = tmpDir("profsync-pkg");
  const temps: string[] = [];
  const temp = (p: string) => {
    const d = tmpDir(p);
    temps.push(d);
    return d;
  };
  try {
    const pkg = generatePackages(pkgDir, { sets: 50, filesPerSet: 20, pluginsPerSet: 2 });
    const { url } = await git.createRepo("bench", readFiles(pkg.root));
    const settings = { url, ref: "main", username: "" };
    const source = { name: "bench", kind: "git" as const, settings, secret: {}, sets: pkg.sets };
    const t: Record<string, number[]> = {};
    const rec = (k: string, v: number) => (t[k] ??= []).push(v);

    for (let run = 0; run < RUNS; run++) {
      // Baseline, as P1.
      const dir = temp("profsync-clone");
      rec("baseline: git clone --depth 1 + copy", await timeMs(async () => {
        await execFileP("git", ["clone", "--quiet", "--depth", "1", url, path.join(dir, "repo")]);
        fs.cpSync(path.join(dir, "repo"), path.join(dir, "copy"), { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
      }));

      // runSync with timed fetcher + cache.
      const ft = { revision: 0, fetch: 0, packFetch: 0, treeWrite: 0 };
      const ct = { has: 0, put: 0, puts: 0 };
      const fetchers = {
        ...defaultFetchers,
        git: {
          async revision(...args: Parameters<typeof gitFetcher.revision>) {
            const s = performance.now();
            try {
              return await gitFetcher.revision(...args);
            } finally {
              ft.revision += performance.now() - s;
            }
          },
          async fetch(...args: Parameters<typeof gitFetcher.fetch>) {
            const s = performance.now();
            try {
              return await gitFetcher.fetch(...args);
            } finally {
              ft.fetch += performance.now() - s;
            }
          },
        },
      } as typeof defaultFetchers;
      const workDir = temp("profsync-work");
      const cacheDir = temp("profsync-cache");
      const total = await timeMs(async () => {
        const out = await runSync({
          runId: "profile",
          generation: 1,
          sources: [source],
          previous: null,
          cache: timedCache(fsCache(cacheDir), ct),
          workDir,
          allowHttp: true,
          fetchLimits: DEFAULT_FETCH_LIMITS,
          fetchers,
          log: (_level, line) => {
            const m = /fetched in (\d+) ms, .* written in (\d+) ms/.exec(englishSyncLog(line));
            if (m) {
              ft.packFetch = Number(m[1]);
              ft.treeWrite = Number(m[2]);
            }
          },
        });
        if (out.status !== "succeeded") throw new Error(`sync ${out.status}`);
      });
      rec("runSync total", total);
      rec("  git revision (ls-remote over HTTP)", ft.revision);
      rec("  git fetch total", ft.fetch);
      rec("    isomorphic-git fetch (pack download + index)", ft.packFetch);
      rec("    tree write (blobs → work dir)", ft.treeWrite);
      rec("  sets phase, wall (inspect + describe + cache writes, sets concurrently) + manifest", total - ft.revision - ft.fetch);
      rec("    Σ cache.has (overlapping across concurrent sets)", ct.has);
      rec(`    Σ cache.put, ${ct.puts} objects + manifest (overlapping)`, ct.put);

      // Stage by stage on a fetched copy.
      const root = temp("profsync-stage");
      await gitFetcher.fetch(settings, {}, { allowHttp: true, limits: DEFAULT_FETCH_LIMITS, log: () => undefined, dir: root });
      let inspect = 0;
      let describe = 0;
      const inspected: Awaited<ReturnType<typeof inspectSet>>[] = [];
      for (const set of pkg.sets) {
        const s = performance.now();
        const ins = await inspectSet(root, set);
        inspect += performance.now() - s;
        inspected.push(ins);
        const d = performance.now();
        const res = await describeSet(ins.dir, ins.modules);
        describe += performance.now() - d;
        if (res.errors.length) throw new Error(res.errors[0].error);
      }
      rec("stage: inspectSet × 50 (list + sha256 of 1,000 files)", inspect);
      rec("stage: describeSet × 50 (one worker each, as before 00955f0)", describe);
      rec("stage: describeSet of all 50 sets' modules in one worker (runSync now)", await timeMs(async () => {
        const all = inspected.flatMap((ins, i) => ins.modules.map((m) => ({ entry: `${i}:${m.entry}`, file: `${pkg.sets[i].submodule}/${m.file}` })));
        const res = await describeSet(root, all);
        if (res.errors.length) throw new Error(res.errors[0].error);
      }));
      const cache = fsCache(temp("profsync-cache2"));
      rec("stage: cache writes (read 1,000 files + pack + sha256 + has + put) × 50 archives", await timeMs(async () => {
        for (const ins of inspected) {
          const archive = await packSet(ins.files.map((f) => ({ path: f.path, body: fs.readFileSync(path.join(ins.dir, ...f.path.split("/"))) })));
          const key = archiveKey(createHash("sha256").update(archive).digest("hex"));
          if (!(await cache.has(key))) await cache.put(key, archive);
        }
      }));
      rec("floor: 50 × bare Worker start + exit (eval)", await timeMs(async () => {
        for (let i = 0; i < 50; i++) {
          await new Promise<void>((resolve, reject) => {
            const w = new Worker("require('node:worker_threads').parentPort.postMessage(1)", { eval: true, env: {}, execArgv: [] });
            w.once("message", () => void w.terminate().then(() => resolve()));
            w.once("error", reject);
          });
        }
      }));
      // The tree write split: isomorphic-git readBlob (inflate from the pack) vs the file writes.
      const gitdir = temp("profsync-gitdir");
      await isogit.init({ fs, gitdir, bare: true, defaultBranch: "main" });
      await isogit.addRemote({ fs, gitdir, remote: "origin", url });
      const cacheObj = {};
      const { fetchHead } = await isogit.fetch({ fs, http: gitHttp, gitdir, cache: cacheObj, remote: "origin", ref: "main", singleBranch: true, depth: 1, tags: false });
      const { commit } = await isogit.readCommit({ fs, gitdir, oid: fetchHead!, cache: cacheObj });
      const files: { rel: string; oid: string }[] = [];
      const dirs: string[] = [];
      const walk = async (oid: string, prefix: string) => {
        for (const e of (await isogit.readTree({ fs, gitdir, oid, cache: cacheObj })).tree) {
          if (e.type === "tree") {
            dirs.push(prefix + e.path);
            await walk(e.oid, `${prefix}${e.path}/`);
          } else files.push({ rel: prefix + e.path, oid: e.oid });
        }
      };
      const listMs = await timeMs(() => walk(commit.tree, ""));
      const blobs: Uint8Array[] = [];
      const readMs = await timeMs(async () => {
        for (const f of files) blobs.push((await isogit.readBlob({ fs, gitdir, oid: f.oid, cache: cacheObj })).blob);
      });
      // What writeTree does now: our pack reader (open the pack, then each blob inflated once, natively).
      const packMs = await timeMs(async () => {
        const reader = PackReader.open(gitdir, DEFAULT_FETCH_LIMITS.maxBytes);
        for (const f of files) if (!reader.read(f.oid)) throw new Error(`${f.oid} not in the pack`);
      });
      // isomorphic-git's fetch indexes the pack it downloaded (inflate + SHA-1 of every object, in JavaScript).
      const packDir = path.join(gitdir, "objects", "pack");
      const idx = fs.readdirSync(packDir).find((n) => n.endsWith(".idx"))!;
      fs.rmSync(path.join(packDir, idx));
      const indexMs = await timeMs(() => isogit.indexPack({ fs, dir: gitdir, gitdir, filepath: `objects/pack/${idx.replace(/\.idx$/, ".pack")}` }));
      const writeAsync = async (root: string) => {
        for (const d of dirs) await fsp.mkdir(path.join(root, ...d.split("/")));
        let next = 0;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (next < files.length) {
              const i = next++;
              await fsp.writeFile(path.join(root, ...files[i].rel.split("/")), blobs[i], { flag: "wx", mode: 0o644 });
            }
          }),
        );
      };
      const writeSync = (root: string) => {
        for (const d of dirs) fs.mkdirSync(path.join(root, ...d.split("/")));
        files.forEach((f, i) => fs.writeFileSync(path.join(root, ...f.rel.split("/")), blobs[i], { flag: "wx", mode: 0o644 }));
      };
      const wa = temp("profsync-wa");
      const ws = temp("profsync-ws");
      rec("tree write split: list tree with isomorphic-git readTree (writeTree before a9e914a)", listMs);
      rec("tree write split: isomorphic-git readBlob × 1,000 (sequential; writeTree before 5f74263)", readMs);
      rec("tree write split: PackReader open + read × 1,000 (writeTree now)", packMs);
      rec("tree write split: fsp.mkdir + fsp.writeFile 8 at a time (writeTree before)", await timeMs(() => writeAsync(wa)));
      rec("tree write split: mkdirSync + writeFileSync (writeTree now)", await timeMs(() => writeSync(ws)));
      rec("isomorphic-git indexPack of the fetched pack (part of its fetch)", indexMs);
      for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    }
    console.log(`\nP1 setup: 50 sets, ${pkg.files} files, ${pkg.plugins} plugins; medians of ${RUNS} runs (ms)\n`);
    for (const [k, xs] of Object.entries(t)) console.log(`${median(xs).toFixed(1).padStart(8)}  ${k}   [${xs.map((x) => x.toFixed(0)).join(", ")}]`);

    // P2's no-op resync is 20 revision checks (ls-remote) one after another: the same checks concurrently.
    const urls: string[] = [];
    for (let i = 0; i < 20; i++) urls.push((await git.createRepo(`p2repo${i}`, { "set_000/plugins.mjs": `export const plugins = []; // ${i}\n` })).url);
    const ctx = { allowHttp: true, limits: DEFAULT_FETCH_LIMITS, log: () => undefined };
    const rev = (u: string) => gitFetcher.revision({ url: u, ref: "main", username: "" }, {}, ctx);
    const seq: number[] = [];
    const par: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      seq.push(await timeMs(async () => {
        for (const u of urls) await rev(u);
      }));
      par.push(await timeMs(() => Promise.all(urls.map(rev))));
    }
    console.log(`\nP2: 20 git revision checks (ls-remote over HTTP): one after another ${median(seq).toFixed(1)} ms [${seq.map((x) => x.toFixed(0)).join(", ")}], all at once ${median(par).toFixed(1)} ms [${par.map((x) => x.toFixed(0)).join(", ")}]`);
  } finally {
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(pkgDir, { recursive: true, force: true });
    await git.close();
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
