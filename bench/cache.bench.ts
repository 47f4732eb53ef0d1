/**
 * P9  — cold sync of one git source of 50 sets × 200 files (10,000 files) into an S3 cache (s3rver), against
 *       `git clone --depth 1` + `tar` of the 50 set directories + upload of the 50 archives with the same S3
 *       client.                                                                                  target ≤ 1.5×
 * P10 — activation of that generation on a fresh instance (materialise into an empty runtime dir + registry),
 *       against downloading its 50 archives + extracting them + sha256 of every file.             target ≤ 2×
 *
 * s3rver runs in a process of its own (bench/s3-process.ts). Uploads and downloads in the baselines go LANES at a
 * time: the loader's concurrency (IO_CONCURRENCY), more than the sync's default set lanes on a small machine.
 * Every measurement writes 10,000 files: before each one the previous one's files are removed and the kernel's
 * dirty pages flushed (`sync`, untimed), so one does not pay for the writeback of the other.
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { startGitServer } from "../lib/plugins/__fixtures__/git-server";
import { readSetArchive } from "../lib/plugins/cache/set-archive";
import { s3Cache } from "../lib/plugins/cache/s3";
import { archiveKey, type CacheStore } from "../lib/plugins/cache/types";
import { eachLimited } from "../lib/plugins/each-limited";
import { IO_CONCURRENCY } from "../lib/plugins/loader/local-copy";
import { materializeGeneration } from "../lib/plugins/loader/materialize";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "../lib/plugins/registry/builtins";
import { buildRegistry } from "../lib/plugins/registry/registry";
import { createS3Client } from "../lib/plugins/s3-client";
import { DEFAULT_FETCH_LIMITS } from "../lib/plugins/sources";
import type { Manifest } from "../lib/plugins/sync/manifest";
import { runSync, type SyncSourceInput } from "../lib/plugins/sync/run-sync";
import { generatePackages } from "./generate";
import { fmt, paired, readFiles, tmpDir, type Result } from "./lib";
import { startS3Process, type S3Process } from "./s3-process";

const execFileP = promisify(execFile);
const LANES = IO_CONCURRENCY;
const BUCKET = "cache";
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface Setup {
  s3: S3Process;
  client: S3Client;
  url: string;
  source: SyncSourceInput;
  files: number;
  cacheAt(prefix: string): CacheStore;
  close(): Promise<void>;
}

/** The git repo of 50 sets × 200 files (2 KB each, 2 plugins per set) over local smart HTTP, and s3rver. */
async function setup(): Promise<Setup> {
  const git = await startGitServer();
  const s3 = await startS3Process([BUCKET]);
  const pkg = generatePackages(tmpDir("p9pkg"), { sets: 50, filesPerSet: 200, pluginsPerSet: 2 });
  const { url } = await git.createRepo("bench", readFiles(pkg.root));
  fs.rmSync(pkg.root, { recursive: true, force: true });
  const client = createS3Client({ endpoint: s3.endpoint, region: "us-east-1", bucket: BUCKET, prefix: "", accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, pathStyle: true });
  return {
    s3,
    client,
    url,
    files: pkg.files,
    source: { name: "bench", kind: "git", settings: { url, ref: "main", username: "" }, secret: {}, sets: pkg.sets },
    cacheAt: (prefix) => s3Cache(client, BUCKET, prefix, s3.endpoint),
    async close() {
      client.destroy();
      await s3.close();
      await git.close();
    },
  };
}

async function syncInto(cache: CacheStore, source: SyncSourceInput): Promise<Manifest> {
  const workDir = tmpDir("p9work");
  try {
    const out = await runSync({ runId: "bench", generation: 1, sources: [source], previous: null, cache, workDir, allowHttp: true, fetchLimits: DEFAULT_FETCH_LIMITS, log: () => undefined });
    if (out.status !== "succeeded") throw new Error(`P9 sync ${out.status}: ${out.results.map((r) => r.error ?? "").join("; ")}`);
    return out.manifest;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

let prefixes = 0;
const freshPrefix = (id: string) => `${id}-${++prefixes}/`;
const flush = async () => void execFileSync("sync");

export async function p9(runs: number): Promise<Result> {
  const s = await setup();
  try {
    const baseline = async () => {
      const dir = tmpDir("p9clone");
      const repo = path.join(dir, "repo");
      const prefix = freshPrefix("p9base");
      await execFileP("git", ["clone", "--quiet", "--depth", "1", s.url, repo]);
      await eachLimited(s.source.sets, LANES, async (set) => {
        const file = path.join(dir, `${set.submodule}.tar`);
        await execFileP("tar", ["-cf", file, "-C", repo, set.submodule]);
        const body = fs.readFileSync(file);
        await s.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}${set.submodule}.tar`, Body: body, ContentLength: body.length }));
      });
      fs.rmSync(dir, { recursive: true, force: true });
    };
    const subject = () => syncInto(s.cacheAt(freshPrefix("p9sync")), s.source);
    await baseline(); // warm-up: the server's pack cache, the S3 connections, module JIT
    await subject();
    const r = await paired(runs, baseline, subject, flush);
    const ratio = r.subject / r.baseline;
    return {
      id: "P9",
      measure: `cold sync, git, 50 sets / ${s.files} files into an S3 cache (s3rver) (ms, median of ${runs})`,
      value: r.subject,
      baseline: r.baseline,
      unit: "ms",
      verdict: `${fmt(ratio, 2)}× (target ≤ 1.5×)`,
      pass: ratio <= 1.5,
      notes: `baseline git clone --depth 1 + tar × 50 + 50 PUTs (${LANES} at a time) ${fmt(r.baseline)} ms [${r.baselineRuns.map((x) => fmt(x, 0)).join(", ")}]; sync ${fmt(r.subject)} ms [${r.subjectRuns.map((x) => fmt(x, 0)).join(", ")}]`,
    };
  } finally {
    await s.close();
  }
}

/** What an activation from archives must at least do: download each archive, write its files, hash each file. */
async function downloadAndExtract(client: S3Client, prefix: string, manifest: Manifest, dir: string): Promise<number> {
  let files = 0;
  await eachLimited(manifest.sets, LANES, async (set) => {
    const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: prefix + archiveKey(set.archive!.sha256) }));
    const archive = Buffer.from(await res.Body!.transformToByteArray());
    const root = path.join(dir, set.submodule);
    await readSetArchive(archive, ({ name, body }) => {
      const file = path.join(root, ...name.split("/"));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body);
      sha256(body);
      files++;
    });
  });
  return files;
}

export async function p10(runs: number): Promise<Result> {
  const s = await setup();
  try {
    const prefix = freshPrefix("p10");
    const cache = s.cacheAt(prefix);
    const manifest = await syncInto(cache, s.source);
    const expectPlugins = manifest.sets.reduce((n, set) => n + set.plugins.length, 0) + BUILTIN_DESCRIPTORS.length;
    // Each run writes 10,000 files into a fresh directory; the previous run's go before the next (untimed).
    const dirs: string[] = [];
    const fresh = (prefix: string) => (dirs.push(tmpDir(prefix)), dirs[dirs.length - 1]);
    const clean = async () => {
      for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
      await flush();
    };
    const subject = async () => {
      const loaded = await materializeGeneration({ cache, generation: manifest.generation, runtimeRoot: fresh("p10rt") });
      const registry = buildRegistry({ generation: 1, sets: loaded.sets, manifest: loaded.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
      if (registry.all().length !== expectPlugins) throw new Error(`P10: registry has ${registry.all().length} plugins, want ${expectPlugins}`);
    };
    const baseline = async () => {
      const n = await downloadAndExtract(s.client, prefix, manifest, fresh("p10base"));
      if (n !== s.files) throw new Error(`P10 baseline: ${n} files, want ${s.files}`);
    };
    await baseline(); // warm-up
    await subject();
    await clean();
    const r = await paired(runs, baseline, subject, clean);
    const ratio = r.subject / r.baseline;
    return {
      id: "P10",
      measure: `activation of 50 sets / ${s.files} files from an S3 cache (s3rver) on a fresh instance (ms, median of ${runs})`,
      value: r.subject,
      baseline: r.baseline,
      unit: "ms",
      verdict: `${fmt(ratio, 2)}× (target ≤ 2×)`,
      pass: ratio <= 2,
      notes: `baseline 50 GETs (${LANES} at a time) + extract + sha256 of every file ${fmt(r.baseline)} ms [${r.baselineRuns.map((x) => fmt(x, 0)).join(", ")}]; activation ${fmt(r.subject)} ms [${r.subjectRuns.map((x) => fmt(x, 0)).join(", ")}]`,
    };
  } finally {
    await s.close();
  }
}
