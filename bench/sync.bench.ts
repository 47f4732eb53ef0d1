/**
 * P1 — cold sync of one git source with 50 plugin sets / 1,000 files over local smart HTTP (git http-backend),
 *      against `git clone --depth 1` of the same repo + copying its files.         target ≤ 1.5×
 * P2 — no-op resync of 20 unchanged git sources, against the cold sync of the same sources.   target ≤ 10 %
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { startGitServer } from "../lib/plugins/__fixtures__/git-server";
import { fsCache } from "../lib/plugins/cache/fs";
import { DEFAULT_FETCH_LIMITS } from "../lib/plugins/sources";
import { runSync, type SyncSourceInput } from "../lib/plugins/sync/run-sync";
import type { Manifest } from "../lib/plugins/sync/manifest";
import { generatePackages } from "./generate";
import { fmt, paired, readFiles, tmpDir, type Result } from "./lib";

const execFileP = promisify(execFile);

async function sync(sources: SyncSourceInput[], previous: Manifest | null, cacheDir: string) {
  const workDir = tmpDir("work");
  try {
    return await runSync({
      runId: "bench",
      generation: previous ? previous.generation + 1 : 1,
      sources,
      previous,
      cache: fsCache(cacheDir),
      workDir,
      allowHttp: true,
      fetchLimits: DEFAULT_FETCH_LIMITS,
      log: () => undefined,
    });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

export async function p1(runs: number): Promise<Result> {
  const git = await startGitServer();
  try {
    const pkg = generatePackages(tmpDir("p1"), { sets: 50, filesPerSet: 20, pluginsPerSet: 2 });
    const { url } = await git.createRepo("bench", readFiles(pkg.root));
    const source: SyncSourceInput = { name: "bench", kind: "git", settings: { url, ref: "main", username: "" }, secret: {}, sets: pkg.sets };
    const r = await paired(
      runs,
      async () => {
        const dir = tmpDir("clone");
        await execFileP("git", ["clone", "--quiet", "--depth", "1", url, path.join(dir, "repo")]);
        fs.cpSync(path.join(dir, "repo"), path.join(dir, "copy"), { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
        fs.rmSync(dir, { recursive: true, force: true });
      },
      async () => {
        const cache = tmpDir("cache");
        const out = await sync([source], null, cache);
        if (out.status !== "succeeded") throw new Error(`P1 sync ${out.status}`);
        fs.rmSync(cache, { recursive: true, force: true });
      },
    );
    const ratio = r.subject / r.baseline;
    return {
      id: "P1",
      measure: `cold sync, git, 50 sets / ${pkg.files} files (ms, median of ${runs})`,
      value: r.subject,
      baseline: r.baseline,
      unit: "ms",
      verdict: `${fmt(ratio, 2)}× (target ≤ 1.5×)`,
      pass: ratio <= 1.5,
      notes: `baseline git clone --depth 1 + copy ${fmt(r.baseline)} ms; sync ${fmt(r.subject)} ms`,
    };
  } finally {
    await git.close();
  }
}

export async function p2(runs: number): Promise<Result> {
  const git = await startGitServer();
  try {
    const sources: SyncSourceInput[] = [];
    for (let i = 0; i < 20; i++) {
      const pkg = generatePackages(tmpDir(`p2-${i}`), { sets: 2, filesPerSet: 10, pluginsPerSet: 1 });
      // Distinct plugin codes per source: no clashes.
      const files = Object.fromEntries(Object.entries(readFiles(pkg.root)).map(([k, v]) => [k, v.replaceAll("bench_", `src${i}_`)]));
      const { url } = await git.createRepo(`repo${i}`, files);
      sources.push({ name: `src${i}`, kind: "git", settings: { url, ref: "main", username: "" }, secret: {}, sets: pkg.sets });
    }
    const cacheDir = tmpDir("p2cache");
    let cold: Manifest | null = null;
    const r = await paired(
      runs,
      async () => {
        const dir = tmpDir("p2cold");
        cold = (await sync(sources, null, dir)).manifest;
        fs.rmSync(dir, { recursive: true, force: true });
      },
      async () => {
        const out = await sync(sources, cold, cacheDir);
        if (out.results.some((x) => x.status !== "reused")) throw new Error("P2: a source was not reused");
      },
      async () => {
        if (!cold) cold = (await sync(sources, null, cacheDir)).manifest;
      },
    );
    const ratio = r.subject / r.baseline;
    return {
      id: "P2",
      measure: `no-op resync of 20 unchanged git sources (ms, median of ${runs})`,
      value: r.subject,
      baseline: r.baseline,
      unit: "ms",
      verdict: `${fmt(ratio * 100)} % of the cold sync (target ≤ 10 %)`,
      pass: ratio <= 0.1,
      notes: `cold sync ${fmt(r.baseline)} ms; no-op ${fmt(r.subject)} ms`,
    };
  } finally {
    await git.close();
  }
}
