import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type S3Server } from "../__fixtures__/s3-server";
import { fsCache } from "../cache/fs";
import { s3Cache } from "../cache/s3";
import { packSet } from "../cache/set-archive";
import { archiveKey, manifestKey, objectKey, type CacheStore } from "../cache/types";
import { archiveFiles, putArchive, rawTar, tamperArchive, writeObjectFormat } from "../__fixtures__/set-archives";
import { createS3Client } from "../s3-client";
import { DEFAULT_FETCH_LIMITS } from "../sources";
import type { Manifest } from "../sync/manifest";
import { runSync, type SyncSourceInput } from "../sync/run-sync";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "../registry/builtins";
import { buildRegistry } from "../registry/registry";
import { GenerationUnavailableError, materializeGeneration, pruneRuntime, type MaterializedGeneration } from "./materialize";
import { readTree as tree } from "../../test/read-tree";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-loader-test-"));

let s3: S3Server;
let examplesRoot: string;
let fixturesRoot: string;
let counter = 0;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.bucket("cache");
  examplesRoot = tmp();
  fs.cpSync(path.resolve("examples/plugins"), examplesRoot, { recursive: true });
  fixturesRoot = tmp();
  fs.cpSync(path.resolve("lib/plugins/__fixtures__/sets/good"), path.join(fixturesRoot, "good"), { recursive: true });
}, 60_000);
afterAll(() => s3?.close());

/** Two sources with different files, so tampering one object breaks exactly one set. */
const sources = (): SyncSourceInput[] => [
  {
    name: "examples",
    kind: "fs",
    settings: { path: examplesRoot },
    secret: {},
    sets: [{ submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] }],
  },
  {
    name: "fixtures",
    kind: "fs",
    settings: { path: fixturesRoot },
    secret: {},
    sets: [{ submodule: "good", version: "1.0.0", importModules: ["good/collections/array.js", "good.collections.single", "good/collections/list.mjs"] }],
  },
];

async function build(cache: CacheStore): Promise<Manifest> {
  const generation = ++counter;
  const workDir = tmp();
  try {
    const { manifest, status } = await runSync({
      runId: `run-${generation}`,
      generation,
      sources: sources(),
      previous: null,
      cache,
      workDir,
      allowHttp: true,
      fetchLimits: DEFAULT_FETCH_LIMITS,
      describe: { timeoutMs: 5000 },
      log: () => undefined,
    });
    expect(status).toBe("succeeded");
    return manifest;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const s3CacheAt = (endpoint: string, prefix: string) =>
  s3Cache(
    createS3Client({ endpoint, region: "us-east-1", bucket: "cache", prefix, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, pathStyle: true, connectTimeoutMs: 1000 }),
    "cache",
    prefix,
    endpoint,
  );

async function closedPortUrl(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  return `http://127.0.0.1:${port}`;
}

/** Counts the cache reads a materialisation makes. */
function counting(cache: CacheStore): CacheStore & { reads: string[] } {
  const reads: string[] = [];
  return {
    ...cache,
    location: cache.location,
    reads,
    get: (key) => (reads.push(key), cache.get(key)),
    getIfExists: (key) => (reads.push(key), cache.getIfExists(key)),
  };
}

const byName = (g: MaterializedGeneration, source: string) => g.sets.find((s) => s.source === source)!;

describe.each([
  ["fs cache", () => fsCache(tmp())],
  ["s3 cache", () => s3CacheAt(s3.endpoint, `m${++counter}/`)],
] as const)("from the %s", (_name, makeCache) => {
  it("materialises every set, byte for byte, and a restart reads only the manifest", async () => {
    const cache = makeCache();
    const manifest = await build(cache);
    const runtimeRoot = tmp();
    const first = await materializeGeneration({ cache, generation: manifest.generation, runtimeRoot });
    expect(first).toMatchObject({ generation: manifest.generation, origin: "cache", dir: path.join(runtimeRoot, `g${String(manifest.generation).padStart(8, "0")}`) });
    expect(first.manifest).toEqual(manifest);
    expect(JSON.parse(fs.readFileSync(path.join(first.dir, "manifest.json"), "utf8"))).toEqual(manifest);
    expect(first.sets.map((s) => [s.source, s.submodule, s.status])).toEqual([
      ["examples", "custom_plugins", "loaded"],
      ["fixtures", "good", "loaded"],
    ]);
    expect(byName(first, "examples").dir).toBe(path.join(first.dir, "sets", "examples", "custom_plugins"));
    expect(tree(byName(first, "examples").dir)).toEqual(tree(path.join(examplesRoot, "custom_plugins")));
    expect(tree(byName(first, "fixtures").dir)).toEqual(tree(path.join(fixturesRoot, "good")));
    expect(fs.existsSync(`${byName(first, "fixtures").dir}.verified`)).toBe(true);
    // Nothing but the sets and their markers next to them (no temp directories left).
    expect(fs.readdirSync(path.join(first.dir, "sets", "examples")).sort()).toEqual(["custom_plugins", "custom_plugins.verified"]);

    const counted = counting(cache);
    const again = await materializeGeneration({ cache: counted, generation: manifest.generation, runtimeRoot });
    expect(again.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    expect(counted.reads).toEqual([manifestKey(manifest.generation)]);
  });

  it("a fresh instance reads the manifest and one archive per set, nothing else", async () => {
    const cache = makeCache();
    const manifest = await build(cache);
    const counted = counting(cache);
    const g = await materializeGeneration({ cache: counted, generation: manifest.generation, runtimeRoot: tmp() });
    expect(g.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    expect(counted.reads[0]).toBe(manifestKey(manifest.generation));
    expect(counted.reads.slice(1).sort()).toEqual(manifest.sets.map((s) => archiveKey(s.archive!.sha256)).sort());
  });

  it("a tampered or missing archive fails only its set", async () => {
    const cache = makeCache();
    const manifest = await build(cache);
    const [examples] = manifest.sets;
    const key = archiveKey(examples.archive!.sha256);
    await tamperArchive(cache, examples, (files) => files.map((f) => (f.path === "collections/test1.js" ? { ...f, body: Buffer.from("export const plugins = []; // tampered\n") } : f)));
    const lines: string[] = [];
    const g = await materializeGeneration({ cache, generation: manifest.generation, runtimeRoot: tmp(), log: (level, line) => lines.push(`${level} ${line}`) });
    const bad = byName(g, "examples");
    expect(bad).toMatchObject({ status: "integrity_failed", reason: `the set's archive does not match the manifest (${key})` });
    expect(fs.existsSync(bad.dir)).toBe(false);
    expect(fs.readdirSync(path.dirname(bad.dir))).toEqual([]);
    expect(byName(g, "fixtures").status).toBe("loaded");
    expect(lines.some((l) => l.startsWith("error ") && l.includes("examples/custom_plugins") && l.includes("does not match"))).toBe(true);

    await cache.delete([key]);
    const missing = await materializeGeneration({ cache, generation: manifest.generation, runtimeRoot: tmp() });
    expect(byName(missing, "examples")).toMatchObject({ status: "integrity_failed", reason: `the set's archive: missing in the cache (${key})` });
    expect(byName(missing, "fixtures").status).toBe("loaded");
  });

  it("a generation in the format before archives (one object per file) still loads, and its objects are checked", async () => {
    const cache = makeCache();
    const built = await build(cache);
    const old = await writeObjectFormat(cache, built, ++counter);
    expect(old.sets.every((s) => s.archive === undefined)).toBe(true);
    const counted = counting(cache);
    const g = await materializeGeneration({ cache: counted, generation: old.generation, runtimeRoot: tmp() });
    expect(g.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    expect(tree(byName(g, "examples").dir)).toEqual(tree(path.join(examplesRoot, "custom_plugins")));
    expect(counted.reads.sort()).toEqual([manifestKey(old.generation), ...old.sets.flatMap((s) => s.files.map((f) => objectKey(f.sha256)))].sort());

    const test1 = old.sets[0].files.find((f) => f.path === "collections/test1.js")!;
    await cache.put(objectKey(test1.sha256), Buffer.from("export const plugins = []; // tampered\n"));
    const bad = await materializeGeneration({ cache, generation: old.generation, runtimeRoot: tmp() });
    expect(byName(bad, "examples")).toMatchObject({ status: "integrity_failed", reason: `collections/test1.js: sha256 mismatch in the cache (${objectKey(test1.sha256)})` });
    expect(byName(bad, "fixtures").status).toBe("loaded");
  });
});

describe("into the registry", () => {
  it("every remote plugin points at a materialised module file inside its set", async () => {
    const cache = fsCache(tmp());
    const manifest = await build(cache);
    const g = await materializeGeneration({ cache, generation: manifest.generation, runtimeRoot: tmp() });
    const r = buildRegistry({ generation: g.generation, sets: g.sets, manifest: g.manifest, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
    const remote = r.all().filter((p) => p.source !== "builtin");
    expect(remote.map((p) => p.key).sort()).toEqual(
      ["cus_greet@1.0.0", "cus_sum@1.0.0", "cus_test_1@1.0.0", "fix_add@1.0.0", "fix_echo@1.0.0", "fix_echo@2.0.0", "fix_shout@1.0.0", "fix_sub@1.0.0"],
    );
    for (const p of remote) {
      const set = g.sets.find((s) => s.source === p.source && s.submodule === p.set)!;
      const at = r.locate(p.code, p.version)!;
      expect(at.root).toBe(set.dir);
      expect(at.file.startsWith(set.dir + path.sep)).toBe(true);
      expect(fs.existsSync(at.file)).toBe(true);
    }
    expect(r.locate("cus_greet", "1.0.0")!.file).toBe(path.join(byName(g, "examples").dir, "collections", "greet.mjs"));
    expect(r.problems).toEqual([]);
  });
});

describe("concurrency", () => {
  it("two loads of one generation at once both succeed and agree", async () => {
    const cache = fsCache(tmp());
    const manifest = await build(cache);
    const runtimeRoot = tmp();
    const [a, b] = await Promise.all([
      materializeGeneration({ cache, generation: manifest.generation, runtimeRoot }),
      materializeGeneration({ cache, generation: manifest.generation, runtimeRoot }),
    ]);
    expect(a.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    expect(b.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    await expect(materializeGeneration({ cache, generation: 0, runtimeRoot })).rejects.toThrow(/invalid generation/);
  });
});

describe("integrity", () => {
  it("an archive that matches its digest but not the set's files fails that set: every entry is checked", async () => {
    const cache = fsCache(tmp());
    const manifest = await build(cache);
    const [good, other] = manifest.sets;
    const files = await archiveFiles(cache, good);
    const alter = (p: string, body: string) => files.map((f) => (f.path === p ? { ...f, body: Buffer.from(body) } : f));
    const variants: [string, Buffer][] = [
      ["extra", await packSet([...files, { path: "extra.js", body: Buffer.from("// not listed\n") }])],
      ["missing", await packSet(files.filter((f) => f.path !== "collections/greet.mjs"))],
      ["altered", await packSet(alter("collections/test1.js", "export const plugins = []; // altered\n"))],
      ["resized", await packSet(alter("collections/test1.js", ""))],
      ["unsafe", await packSet([...files, { path: "../../escaped.js", body: Buffer.from("x") }])],
      ["absolute", await packSet([{ path: "/tmp/escaped.js", body: Buffer.from("x") }, ...files])],
      ["twice", await packSet([...files, files[0]])],
      ["link", await rawTar([{ name: "collections/evil.js", type: "symlink", linkname: "/etc/passwd" }])],
      ["garbage", Buffer.from("this is not a tar archive ".repeat(30))],
    ];
    const crafted: Manifest = {
      ...manifest,
      generation: ++counter,
      sets: [...(await Promise.all(variants.map(async ([submodule, body]) => ({ ...good, submodule, archive: await putArchive(cache, body) })))), other],
    };
    await cache.put(manifestKey(crafted.generation), Buffer.from(JSON.stringify(crafted)));
    const runtimeRoot = path.join(tmp(), "runtime");
    const g = await materializeGeneration({ cache, generation: crafted.generation, runtimeRoot });
    expect(g.sets.map((s) => s.status)).toEqual([...variants.map(() => "integrity_failed"), "loaded"]);
    expect(Object.fromEntries(g.sets.slice(0, -1).map((s) => [s.submodule, s.reason]))).toEqual({
      extra: "extra.js: in the archive but not in the manifest",
      missing: `collections/greet.mjs: missing in the archive (${archiveKey(crafted.sets[1].archive!.sha256)})`,
      altered: "collections/test1.js: sha256 mismatch in the archive",
      resized: "collections/test1.js: sha256 mismatch in the archive",
      unsafe: 'unsafe entry name "../../escaped.js" in the archive',
      absolute: 'unsafe entry name "/tmp/escaped.js" in the archive',
      twice: `${files[0].path}: twice in the archive`,
      link: 'the archive holds a symlink entry "collections/evil.js"',
      garbage: expect.stringMatching(/^the set's archive is not a valid tar archive/),
    });
    // Nothing of the refused sets stays, and nothing was written outside the runtime root.
    expect(fs.readdirSync(path.dirname(runtimeRoot))).toEqual(["runtime"]);
    expect(fs.readdirSync(path.dirname(byName(g, "examples").dir))).toEqual([]);
    expect(fs.existsSync("/tmp/escaped.js")).toBe(false);
  });

  it("repairs an altered local copy from the cache instead of trusting its marker", async () => {
    const cache = fsCache(tmp());
    const manifest = await build(cache);
    const runtimeRoot = tmp();
    const first = await materializeGeneration({ cache, generation: manifest.generation, runtimeRoot });
    const file = path.join(byName(first, "examples").dir, "collections/test1.js");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, "export const plugins = []; // altered on disk\n");
    fs.writeFileSync(path.join(byName(first, "fixtures").dir, "extra.mjs"), "// not in the manifest\n");
    const counted = counting(cache);
    const again = await materializeGeneration({ cache: counted, generation: manifest.generation, runtimeRoot });
    expect(again.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    expect(fs.readFileSync(file, "utf8")).toBe(original);
    expect(fs.existsSync(path.join(byName(first, "fixtures").dir, "extra.mjs"))).toBe(false);
    expect(counted.reads[0]).toBe(manifestKey(manifest.generation));
    expect(counted.reads.slice(1).sort()).toEqual(manifest.sets.map((s) => archiveKey(s.archive!.sha256)).sort());
  });

  it("reports a carried-over set as usable, with the sync's reason", async () => {
    const cache = fsCache(tmp());
    const manifest = await build(cache);
    const carried: Manifest = { ...manifest, generation: ++counter, sets: [{ ...manifest.sets[0], status: "carried_over", reason: "remote down" }, manifest.sets[1]] };
    await cache.put(manifestKey(carried.generation), Buffer.from(JSON.stringify(carried)));
    const g = await materializeGeneration({ cache, generation: carried.generation, runtimeRoot: tmp() });
    expect(byName(g, "examples")).toMatchObject({ status: "carried_over", reason: "remote down" });
    expect(fs.existsSync(path.join(byName(g, "examples").dir, "collections/test1.js"))).toBe(true);
  });
});

describe("cache unreachable", () => {
  it("fs cache gone: verifies and uses the local copy; a tampered local file fails its set", async () => {
    const root = tmp();
    const manifest = await build(fsCache(root));
    const runtimeRoot = tmp();
    const first = await materializeGeneration({ cache: fsCache(root), generation: manifest.generation, runtimeRoot });
    fs.rmSync(root, { recursive: true });
    const lines: string[] = [];
    const local = await materializeGeneration({ cache: fsCache(root), generation: manifest.generation, runtimeRoot, log: (l, line) => lines.push(`${l} ${line}`) });
    expect(local.origin).toBe("local");
    expect(local.manifest).toEqual(manifest);
    expect(local.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);
    expect(lines.some((l) => l.startsWith("warn ") && /no manifest for generation/.test(l))).toBe(true);

    fs.appendFileSync(path.join(byName(first, "examples").dir, "collections/greet.mjs"), "\n// altered\n");
    const tampered = await materializeGeneration({ cache: null, generation: manifest.generation, runtimeRoot });
    expect(tampered.origin).toBe("local");
    expect(byName(tampered, "examples")).toMatchObject({ status: "integrity_failed", reason: "collections/greet.mjs: sha256 mismatch in the local copy" });
    expect(byName(tampered, "fixtures").status).toBe("loaded");

    fs.rmSync(path.join(byName(first, "fixtures").dir, "collections/list.mjs"));
    fs.writeFileSync(path.join(byName(first, "fixtures").dir, "collections/new.mjs"), "// dropped in\n");
    const missing = await materializeGeneration({ cache: null, generation: manifest.generation, runtimeRoot });
    expect(byName(missing, "fixtures")).toMatchObject({
      status: "integrity_failed",
      reason: "collections/list.mjs: missing in the local copy (and 1 more problem)",
    });

    // A set directory swapped for a link (even to an intact copy) is not trusted.
    const elsewhere = tmp();
    fs.cpSync(path.join(examplesRoot, "custom_plugins"), path.join(elsewhere, "copy"), { recursive: true });
    fs.rmSync(byName(first, "examples").dir, { recursive: true });
    fs.symlinkSync(path.join(elsewhere, "copy"), byName(first, "examples").dir);
    const linked = await materializeGeneration({ cache: null, generation: manifest.generation, runtimeRoot });
    expect(byName(linked, "examples")).toMatchObject({ status: "integrity_failed", reason: "the local copy is not a directory" });
  });

  it("s3 endpoint down: uses the local copy; without one, a clear error", async () => {
    const prefix = `u${++counter}/`;
    const manifest = await build(s3CacheAt(s3.endpoint, prefix));
    const runtimeRoot = tmp();
    await materializeGeneration({ cache: s3CacheAt(s3.endpoint, prefix), generation: manifest.generation, runtimeRoot });
    const down = s3CacheAt(await closedPortUrl(), prefix);
    const local = await materializeGeneration({ cache: down, generation: manifest.generation, runtimeRoot });
    expect(local.origin).toBe("local");
    expect(local.sets.map((s) => s.status)).toEqual(["loaded", "loaded"]);

    const empty = tmp();
    const err = await materializeGeneration({ cache: down, generation: manifest.generation, runtimeRoot: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationUnavailableError);
    expect((err as GenerationUnavailableError).code).toBe("integrity");
    expect((err as Error).message).toMatch(/the cache s3:\/\/cache\/u\d+\/ @ http:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\), and no local copy exists at /);
  });

  it("no cache and no local copy: a clear error", async () => {
    await expect(materializeGeneration({ cache: null, generation: 7, runtimeRoot: tmp() })).rejects.toThrow(
      /cannot load plugin generation 7: no cache is configured, and no local copy exists at .*g00000007/,
    );
  });
});

describe("paths from the manifest", () => {
  it("never leave the set directory", async () => {
    const root = tmp();
    const cache = fsCache(root);
    const manifest = await build(cache);
    const [good, other] = manifest.sets;
    const file = good.files[0];
    const crafted = (over: Partial<typeof good>) => ({ ...good, ...over });
    const evil: Manifest = {
      ...manifest,
      generation: ++counter,
      sets: [
        crafted({ files: [{ ...file, path: "../../../escaped.js" }] }),
        crafted({ submodule: "abs", files: [{ ...file, path: "/tmp/escaped.js" }] }),
        crafted({ submodule: "bs", files: [{ ...file, path: "a\\..\\..\\escaped.js" }] }),
        crafted({ submodule: "nul", files: [{ ...file, path: "a\0b.js" }] }),
        crafted({ submodule: "dot", files: [{ ...file, path: "a/./b.js" }] }),
        crafted({ submodule: "../../outside" }),
        crafted({ source: "..", submodule: "up" }),
        crafted({ submodule: "mod", modules: [{ entry: "x", file: "../x.js" }] }),
        other,
      ],
    };
    await cache.put(manifestKey(evil.generation), Buffer.from(JSON.stringify(evil)));
    const runtimeRoot = path.join(tmp(), "runtime");
    const g = await materializeGeneration({ cache, generation: evil.generation, runtimeRoot });
    expect(g.sets.map((s) => s.status)).toEqual([...Array(8).fill("integrity_failed"), "loaded"]);
    expect(g.sets.slice(0, 8).map((s) => s.reason)).toEqual([
      'unsafe file path "../../../escaped.js" in the manifest',
      'unsafe file path "/tmp/escaped.js" in the manifest',
      'unsafe file path "a\\\\..\\\\..\\\\escaped.js" in the manifest',
      'unsafe file path "a\\u0000b.js" in the manifest',
      'unsafe file path "a/./b.js" in the manifest',
      'unsafe submodule "../../outside" in the manifest',
      'unsafe source name ".." in the manifest',
      'unsafe module file "../x.js" in the manifest',
    ]);
    // Everything written stays below the runtime root.
    expect(fs.readdirSync(path.dirname(runtimeRoot))).toEqual(["runtime"]);
    expect(fs.existsSync("/tmp/escaped.js")).toBe(false);

    // The same manifest as a local copy (cache unreachable) is refused the same way.
    fs.rmSync(root, { recursive: true });
    const local = await materializeGeneration({ cache, generation: evil.generation, runtimeRoot });
    expect(local.origin).toBe("local");
    expect(local.sets.map((s) => s.status)).toEqual([...Array(8).fill("integrity_failed"), "loaded"]);
  });
});

describe("pruneRuntime", () => {
  it("removes the other generation directories only", async () => {
    const root = tmp();
    for (const name of ["g00000001", "g00000002", "g00000003", "keep-me", "g12"]) fs.mkdirSync(path.join(root, name));
    const removed = await pruneRuntime(root, [2]);
    expect(removed.sort()).toEqual([path.join(root, "g00000001"), path.join(root, "g00000003")]);
    expect(fs.readdirSync(root).sort()).toEqual(["g00000002", "g12", "keep-me"]);
    expect(await pruneRuntime(path.join(root, "missing"), [])).toEqual([]);
  });
});
