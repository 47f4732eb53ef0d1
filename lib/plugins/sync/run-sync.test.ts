import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer } from "../__fixtures__/git-server";
import { startS3Server, type S3Server } from "../__fixtures__/s3-server";
import { fsCache } from "../cache/fs";
import { s3Cache } from "../cache/s3";
import { archiveKey, type CacheStore } from "../cache/types";
import { createS3Client } from "../s3-client";
import { DEFAULT_FETCH_LIMITS } from "../sources";
import { readManifest, type Manifest } from "./manifest";
import { runSync, type SyncSourceInput } from "./run-sync";
import { verifyGeneration } from "../__fixtures__/verify-generation";
import { readTree } from "../../test/read-tree";
import { englishSyncLog } from "@/lib/i18n/sync-log";

const EXAMPLES = path.resolve("examples/plugins");
const SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] };

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-sync-test-"));

let git: GitServer;
let s3: S3Server;
let gitUrl: string;
let fsRoot: string;
let generation = 0;

beforeAll(async () => {
  git = await startGitServer();
  s3 = await startS3Server();
  const files = readTree(EXAMPLES);
  gitUrl = (await git.createRepo("plugins", files)).url;
  await s3.bucket("sources");
  await s3.bucket("cache");
  for (const [key, body] of Object.entries(files)) await s3.put("sources", `pkg/${key}`, body);
  fsRoot = tmp();
  fs.cpSync(EXAMPLES, fsRoot, { recursive: true });
}, 60_000);

afterAll(async () => {
  await git?.close();
  await s3?.close();
});

const gitSource = (over: Partial<{ url: string; ref: string }> = {}, name = "git-src"): SyncSourceInput => ({
  name,
  kind: "git",
  settings: { url: over.url ?? gitUrl, ref: over.ref ?? "main", username: "" },
  secret: {},
  sets: [SET],
});
const s3Source = (): SyncSourceInput => ({
  name: "s3-src",
  kind: "s3",
  settings: { endpoint: s3.endpoint, region: "us-east-1", bucket: "sources", prefix: "pkg/", accessKeyId: s3.accessKeyId, pathStyle: true },
  secret: { secretAccessKey: s3.secretAccessKey },
  sets: [SET],
});
const fsSource = (root = fsRoot, name = "fs-src", sets = [SET]): SyncSourceInput => ({ name, kind: "fs", settings: { path: root }, secret: {}, sets });

function caches(): [string, () => CacheStore][] {
  return [
    ["fs cache", () => fsCache(tmp())],
    [
      "s3 cache",
      () => {
        const prefix = `c${++generation}/`;
        const client = createS3Client({ endpoint: s3.endpoint, region: "us-east-1", bucket: "cache", prefix, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, pathStyle: true });
        return s3Cache(client, "cache", prefix, s3.endpoint);
      },
    ],
  ];
}

async function sync(cache: CacheStore, sources: SyncSourceInput[], previous: Manifest | null, extra: Partial<Parameters<typeof runSync>[0]> = {}) {
  const lines: string[] = [];
  const id = ++generation;
  const workDir = tmp();
  try {
    const outcome = await runSync({
      runId: `run-${id}`,
      generation: id,
      sources,
      previous,
      cache,
      workDir,
      allowHttp: true,
      fetchLimits: { ...DEFAULT_FETCH_LIMITS, connectTimeoutMs: 2000, totalTimeoutMs: 5000 },
      describe: { timeoutMs: 3000 },
      log: (level, line, source) => lines.push(`${level} ${source ?? "-"}: ${englishSyncLog(line)}`),
      ...extra,
    });
    return { ...outcome, lines, id };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

describe.each(caches())("each source kind into the %s", (_name, makeCache) => {
  it.each([
    ["git", () => gitSource()],
    ["s3", () => s3Source()],
    ["fs", () => fsSource()],
  ])("%s: a generation whose manifest verifies against the files", async (_kind, source) => {
    const cache = makeCache();
    const { manifest, status, results, id } = await sync(cache, [source()], null);
    expect(status).toBe("succeeded");
    expect(results[0]).toMatchObject({ status: "succeeded", sets: [{ status: "fresh", plugins: 3 }] });
    const stored = await readManifest(cache, id);
    expect(stored).toEqual(manifest);
    expect(stored.sets[0].plugins.map((p) => p.code).sort()).toEqual(["cus_greet", "cus_sum", "cus_test_1"]);
    expect(stored.sets[0].files.map((f) => f.path)).toContain("collections/test1.js");
    expect(await verifyGeneration(cache, stored)).toEqual([]);
  });
});

describe("incremental", () => {
  it("reuses an unchanged git source after asking only for the ref's SHA, and fetches again after a commit", async () => {
    const cache = fsCache(tmp());
    const beforeFirst = git.requests;
    const first = await sync(cache, [gitSource()], null);
    // Nothing to reuse: no revision question before the fetch (ref advertisement + pack negotiation only).
    expect(git.requests - beforeFirst).toBe(2);
    expect(first.results[0].revision).toMatch(/^[0-9a-f]{40}$/);
    const before = git.requests;
    const second = await sync(cache, [gitSource()], first.manifest);
    expect(second.results[0].status).toBe("reused");
    const reuseRequests = git.requests - before;
    expect(second.manifest.sets[0].files).toEqual(first.manifest.sets[0].files);
    await git.commit("plugins", { "custom_plugins/collections/extra.txt": "new file" });
    const beforeFetch = git.requests;
    const third = await sync(cache, [gitSource()], second.manifest);
    // The reuse only asked for refs; a real fetch needs the ref advertisement plus the pack negotiation.
    expect(reuseRequests).toBe(1);
    expect(git.requests - beforeFetch).toBe(3); // the revision question, then the fetch
    expect(third.results[0].status).toBe("succeeded");
    expect(third.manifest.sets[0].files.map((f) => f.path)).toContain("collections/extra.txt");
    expect(await verifyGeneration(cache, third.manifest)).toEqual([]);
  });

  it("fetches again when the set config changes (version bump) even if the revision did not", async () => {
    const cache = fsCache(tmp());
    const first = await sync(cache, [fsSource()], null);
    const bumped = fsSource(fsRoot, "fs-src", [{ ...SET, version: "1.0.1" }]);
    const second = await sync(cache, [bumped], first.manifest);
    expect(second.results[0].sets[0].status).toBe("fresh");
    expect(second.manifest.sets[0].version).toBe("1.0.1");
  });
});

/** A TCP server that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; close: () => void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/x.git`, close: () => (sockets.forEach((s) => s.destroy()), server.close()) };
}

describe("faults keep the previous generation and the other sources", () => {
  let cache: CacheStore;
  let base: Manifest;
  let faultyRoot: string;
  let authGit: GitServer;
  let authUrl: string;
  const TOKEN = "test-token-0123456789";

  const resetFaultyRoot = () => {
    fs.rmSync(faultyRoot, { recursive: true, force: true });
    fs.cpSync(EXAMPLES, faultyRoot, { recursive: true });
  };

  beforeAll(async () => {
    cache = fsCache(tmp());
    faultyRoot = tmp();
    resetFaultyRoot();
    authGit = await startGitServer({ token: TOKEN });
    authUrl = (await authGit.createRepo("private", readTree(EXAMPLES))).url;
    const first = await sync(cache, [gitSource({}, "faulty-git"), fsSource(faultyRoot, "faulty-fs")], null);
    base = first.manifest;
    // The same example plugins in two sources: reported as clashes, never silently merged.
    expect(base.clashes.map((c) => c.code).sort()).toEqual(["cus_greet", "cus_sum", "cus_test_1"]);
  }, 60_000);
  afterAll(() => authGit?.close());

  /** Runs the faulty source beside the other (healthy) one, on top of `base`, and checks what must hold. */
  async function expectCarriedOver(source: SyncSourceInput, reason: RegExp, extra: Partial<Parameters<typeof runSync>[0]> = {}) {
    const other = source.name === "faulty-git" ? fsSource(faultyRoot, "faulty-fs") : gitSource({}, "faulty-git");
    const run = await sync(cache, [source, other], base, extra);
    const faulty = run.results.find((r) => r.name === source.name)!;
    expect(faulty.status).toBe("failed");
    expect(faulty.sets[0].status).toBe("carried_over");
    expect(faulty.sets[0].error).toMatch(reason);
    const entry = run.manifest.sets.find((e) => e.source === source.name)!;
    expect(entry.status).toBe("carried_over");
    expect(entry.reason).toMatch(reason);
    expect(entry.files).toEqual(base.sets.find((e) => e.source === source.name)!.files);
    expect(run.results.find((r) => r.name === other.name)!.status).not.toBe("failed");
    expect(run.lines.some((l) => l.startsWith(`error ${source.name}`) && reason.test(l))).toBe(true);
    expect(await verifyGeneration(cache, run.manifest)).toEqual([]);
    expect(await verifyGeneration(cache, await readManifest(cache, base.generation))).toEqual([]);
    return run;
  }

  /** Breaks a copy of the example set on disk, syncs it as the fs source, then restores it. */
  async function faultyFs(mutate: (submoduleDir: string) => void, reason: RegExp, extra: Partial<Parameters<typeof runSync>[0]> = {}) {
    try {
      mutate(path.join(faultyRoot, "custom_plugins"));
      return await expectCarriedOver(fsSource(faultyRoot, "faulty-fs"), reason, extra);
    } finally {
      resetFaultyRoot();
    }
  }

  it("remote down", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await expectCarriedOver(gitSource({ url: `http://127.0.0.1:${port}/plugins.git` }, "faulty-git"), /ECONNREFUSED|connect|refused|network/i);
  });

  it("401 with a wrong token (and the token is never in the error)", async () => {
    const run = await expectCarriedOver({ ...gitSource({ url: authUrl }, "faulty-git"), secret: { token: "wrong-token-xyz" } } as SyncSourceInput, /auth|401|denied|credential/i);
    expect(JSON.stringify(run.manifest) + run.lines.join("\n")).not.toContain("wrong-token-xyz");
  });

  it("timeout", async () => {
    const silent = await silentServer();
    try {
      await expectCarriedOver(gitSource({ url: silent.url }, "faulty-git"), /no response|tim(e|ed) ?out/i, {
        fetchLimits: { ...DEFAULT_FETCH_LIMITS, connectTimeoutMs: 500, totalTimeoutMs: 1000 },
      });
    } finally {
      silent.close();
    }
  });

  it("missing ref", async () => {
    await expectCarriedOver(gitSource({ ref: "no-such-branch" }, "faulty-git"), /no-such-branch/);
  });

  it("http:// source while strict", async () => {
    await expectCarriedOver(gitSource({}, "faulty-git"), /http/i, { allowHttp: false });
  });

  it("missing submodule directory", async () => {
    await faultyFs((dir) => fs.rmSync(dir, { recursive: true }), /custom_plugins/);
  });

  it("missing import module", async () => {
    await faultyFs((dir) => fs.rmSync(path.join(dir, "collections/greet.mjs")), /greet/);
  });

  it("module that throws at import", async () => {
    await faultyFs((dir) => fs.writeFileSync(path.join(dir, "collections/test1.js"), 'throw new Error("boom at import");\n'), /boom at import/);
  });

  it("module with an invalid export", async () => {
    await faultyFs((dir) => fs.writeFileSync(path.join(dir, "collections/test1.js"), 'export const plugins = [{ code: "Bad Code" }];\n'), /code/);
  });

  it("module that loops forever at import", async () => {
    await faultyFs((dir) => fs.writeFileSync(path.join(dir, "collections/test1.js"), "while (true) {}\n"), /timed out/, { describe: { timeoutMs: 1000 } });
  });

  it("symlink escaping the set", async () => {
    await faultyFs((dir) => fs.symlinkSync("/etc/passwd", path.join(dir, "collections/evil.txt")), /evil|link|outside|unsafe/i);
  });

  it("oversized file", async () => {
    await faultyFs((dir) => fs.writeFileSync(path.join(dir, "big.bin"), Buffer.alloc(2 * 1024 * 1024)), /big\.bin|too large|exceeds|limit/i, {
      setLimits: { maxFileBytes: 1024 * 1024 },
    });
  });

  it("a set never synced successfully is absent and marked failed", async () => {
    const fresh = tmp();
    fs.cpSync(EXAMPLES, fresh, { recursive: true });
    fs.writeFileSync(path.join(fresh, "custom_plugins/collections/test1.js"), 'throw new Error("never good");\n');
    const run = await sync(cache, [fsSource(fresh, "new-fs")], base);
    expect(run.results[0]).toMatchObject({ status: "failed", sets: [{ status: "failed" }] });
    expect(run.manifest.sets.find((e) => e.source === "new-fs")).toBeUndefined();
    expect(run.manifest.failed).toEqual([expect.objectContaining({ source: "new-fs", submodule: "custom_plugins", error: expect.stringMatching(/never good/) })]);
  });

  it("a dry run writes nothing to the cache", async () => {
    const before = await cache.list("");
    const run = await sync(cache, [fsSource(faultyRoot, "dry")], null, { dryRun: true });
    expect(run.manifest.sets[0].plugins).toHaveLength(3);
    expect(await cache.list("")).toEqual(before);
  });
});

describe("sets of one source are described together, a bad one never fails the others", () => {
  it.each([
    ["loops forever at import", "while (true) {}\n", /timed out/],
    ["throws at import", 'throw new Error("bad set");\n', /bad set/],
  ])("a set that %s fails alone; its sibling sets are described and stored", async (_name, code, reason) => {
    const root = tmp();
    fs.cpSync(EXAMPLES, root, { recursive: true });
    fs.mkdirSync(path.join(root, "bad"));
    fs.writeFileSync(path.join(root, "bad", "mod.mjs"), code);
    fs.mkdirSync(path.join(root, "other"));
    fs.writeFileSync(
      path.join(root, "other", "mod.mjs"),
      'export default { code: "other_ok", name: "Other", version: "1.0.0", group: { code: "OTH", name: "Other" }, async execute() { return {}; } };\n',
    );
    const sets = [SET, { submodule: "bad", version: "1", importModules: ["bad/mod.mjs"] }, { submodule: "other", version: "1", importModules: ["other.mod"] }];
    const cache = fsCache(tmp());
    // Long enough for a loaded machine to start a host and describe the good sets on their own.
    const run = await sync(cache, [fsSource(root, "mixed", sets)], null, { describe: { timeoutMs: 3000 } });
    expect(run.results[0].sets).toEqual([
      { submodule: "custom_plugins", status: "fresh", plugins: 3 },
      { submodule: "bad", status: "failed", plugins: 0, error: expect.stringMatching(reason) },
      { submodule: "other", status: "fresh", plugins: 1 },
    ]);
    expect(run.manifest.sets.map((s) => s.submodule)).toEqual(["custom_plugins", "other"]);
    expect(await verifyGeneration(cache, run.manifest)).toEqual([]);
  });
});

/** Records every key a cache is asked to write or to look up. */
function recording(cache: CacheStore): CacheStore & { puts: string[]; heads: string[] } {
  const puts: string[] = [];
  const heads: string[] = [];
  return { ...cache, location: cache.location, puts, heads, put: (k, b) => (puts.push(k), cache.put(k, b)), has: (k) => (heads.push(k), cache.has(k)) };
}

const pluginModule = (code: string) =>
  `export default { code: "${code}", name: "${code}", version: "1.0.0", group: { code: "ARC", name: "Archives" }, async execute() { return {}; } };\n`;

describe.each(caches())("one cache object per set version, into the %s", (_name, makeCache) => {
  const names = ["alpha", "beta", "gamma"];
  const setsOf = () => names.map((n) => ({ submodule: n, version: "1", importModules: [`${n}/mod.mjs`] }));
  let repo = 0;

  async function threeSetRepo() {
    const name = `arch${++repo}-${Math.random().toString(36).slice(2, 8)}`;
    const files: Record<string, string> = {};
    for (const n of names) {
      files[`${n}/mod.mjs`] = pluginModule(`${n}_ok`);
      for (let i = 0; i < 5; i++) files[`${n}/lib/file_${i}.js`] = `export const v = "${n} ${i}";\n`;
    }
    const { url } = await git.createRepo(name, files);
    return { name, source: { ...gitSource({ url }, "arch"), sets: setsOf() } as SyncSourceInput };
  }

  it("a sync writes one archive per set (and no per-file objects); each file is still listed with sha256 and size", async () => {
    const { source } = await threeSetRepo();
    const cache = recording(makeCache());
    const run = await sync(cache, [source], null);
    expect(run.status).toBe("succeeded");
    const content = (await cache.list("")).filter((k) => !k.startsWith("generations/"));
    expect(content).toEqual(run.manifest.sets.map((s) => archiveKey(s.archive!.sha256)).sort());
    expect(content).toHaveLength(3);
    expect(cache.puts.filter((k) => !k.startsWith("generations/"))).toHaveLength(3);
    for (const set of run.manifest.sets) {
      expect(set.files).toHaveLength(6);
      expect(set.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.size > 0)).toBe(true);
    }
    expect(await verifyGeneration(cache, run.manifest)).toEqual([]);
  });

  it("a second sync with one set changed uploads one archive; an archive the cache already has is not uploaded", async () => {
    const { name, source } = await threeSetRepo();
    const cache = recording(makeCache());
    const first = await sync(cache, [source], null);
    await git.commit(name, { "beta/lib/file_2.js": "export const v = 'changed';\n" });
    cache.puts.length = 0;
    cache.heads.length = 0;
    const second = await sync(cache, [source], first.manifest);
    expect(second.results[0]).toMatchObject({ status: "succeeded", sets: names.map(() => expect.objectContaining({ status: "fresh" })) });
    const [a, b, c] = second.manifest.sets;
    expect(cache.puts.filter((k) => !k.startsWith("generations/"))).toEqual([archiveKey(b.archive!.sha256)]);
    // The unchanged sets are known from the previous manifest: not even asked for.
    expect(cache.heads).toEqual([archiveKey(b.archive!.sha256)]);
    expect([a.archive, c.archive]).toEqual([first.manifest.sets[0].archive, first.manifest.sets[2].archive]);
    expect(b.archive!.sha256).not.toBe(first.manifest.sets[1].archive!.sha256);
    expect(await cache.list("archives/")).toHaveLength(4);
    expect(await verifyGeneration(cache, second.manifest)).toEqual([]);

    // Nothing to build on (a new install on the same cache): every archive is found with one lookup per set.
    cache.puts.length = 0;
    cache.heads.length = 0;
    const third = await sync(cache, [source], null);
    expect(third.manifest.sets.map((s) => s.archive)).toEqual(second.manifest.sets.map((s) => s.archive));
    expect(cache.puts.filter((k) => !k.startsWith("generations/"))).toEqual([]);
    expect(cache.heads).toHaveLength(3);
  });
});
