import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGitServer, type GitServer, type RepoFile } from "../__fixtures__/git-server";
import { verifyGeneration } from "../__fixtures__/verify-generation";
import { fsCache } from "../cache/fs";
import type { CacheStore } from "../cache/types";
import { DEFAULT_FETCH_LIMITS } from "../sources";
import type { Manifest } from "./manifest";
import { runSync, type SyncSetInput, type SyncSourceInput } from "./run-sync";
import { readTree } from "../../test/read-tree";
import { englishSyncLog } from "@/lib/i18n/sync-log";

/**
 * Only the sets' submodules are staged and checked (issue 15): what lies elsewhere in a source cannot fail it, and
 * a bad link inside one set fails that set alone. Real sources: a git repository behind `git http-backend`, and a
 * directory for the fs kind.
 */

const EXAMPLES = path.resolve("examples/plugins");
const GOOD: SyncSetInput = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1", "custom_plugins/collections/greet.mjs"] };
const OTHER: SyncSetInput = { submodule: "other", version: "1", importModules: ["other.mod"] };
const OTHER_MOD = 'export default { code: "other_ok", name: "Other", version: "1.0.0", group: { code: "OTH", name: "Other" }, async execute() { return {}; } };\n';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-stage-sets-"));
  dirs.push(d);
  return d;
};

let git: GitServer;
let run = 0;
beforeAll(async () => {
  git = await startGitServer();
}, 30_000);
afterAll(async () => {
  await git?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function sync(cache: CacheStore, source: SyncSourceInput, previous: Manifest | null) {
  const lines: string[] = [];
  const id = ++run;
  const outcome = await runSync({
    runId: `run-${id}`,
    generation: id,
    sources: [source],
    previous,
    cache,
    workDir: tmp(),
    allowHttp: true,
    fetchLimits: { ...DEFAULT_FETCH_LIMITS, connectTimeoutMs: 2000, totalTimeoutMs: 10_000 },
    describe: { timeoutMs: 5000 },
    log: (level, line, _source, set) => lines.push(`${level} ${set ?? "-"}: ${englishSyncLog(line)}`),
  });
  return { ...outcome, lines };
}

/** One source kind, made from a tree of files (symlinks as { symlink }), and changed by later commits. */
interface Kind {
  name: string;
  create(files: Record<string, RepoFile>, sets: SyncSetInput[]): Promise<{ source: SyncSourceInput; change(files: Record<string, RepoFile>): Promise<void> }>;
}

const writeFiles = (root: string, files: Record<string, RepoFile>) => {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, ...rel.split("/"));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof content === "string") fs.writeFileSync(p, content);
    else fs.symlinkSync(content.symlink, p);
  }
};

let repos = 0;
const KINDS: Kind[] = [
  {
    name: "git",
    async create(files, sets) {
      const name = `repo${++repos}`;
      const { url } = await git.createRepo(name, files);
      return {
        source: { name: "src", kind: "git", settings: { url, ref: "main", username: "" }, secret: {}, sets },
        change: async (more) => void (await git.commit(name, more)),
      };
    },
  },
  {
    name: "fs",
    async create(files, sets) {
      const root = tmp();
      writeFiles(root, files);
      return { source: { name: "src", kind: "fs", settings: { path: root }, secret: {}, sets }, change: async (more) => writeFiles(root, more) };
    },
  },
];

describe.each(KINDS)("$name source: only the sets' submodules are staged", (kind) => {
  it("a link escaping the source outside every set (bad_plugins/passwd.txt -> /etc/passwd) does not fail the source", async () => {
    const { source } = await kind.create({ ...readTree(EXAMPLES), "bad_plugins/passwd.txt": { symlink: "/etc/passwd" }, "bad_plugins/up.txt": { symlink: "../../x" } }, [GOOD]);
    const cache = fsCache(tmp());
    const { status, results, manifest } = await sync(cache, source, null);
    expect(results[0]).toMatchObject({ status: "succeeded", sets: [{ submodule: "custom_plugins", status: "fresh", plugins: 3 }] });
    expect(status).toBe("succeeded");
    expect(manifest.failed).toEqual([]);
    expect(manifest.sets[0].files.map((f) => f.path)).not.toContain("passwd.txt");
    expect(await verifyGeneration(cache, manifest)).toEqual([]);
  });

  it("a link escaping inside one set fails that set only; the good set beside it syncs", async () => {
    const { source } = await kind.create({ ...readTree(EXAMPLES), "other/mod.mjs": OTHER_MOD, "other/leak.txt": { symlink: "/etc/passwd" } }, [GOOD, OTHER]);
    const cache = fsCache(tmp());
    const { status, results, manifest, lines } = await sync(cache, source, null);
    expect(results[0].sets).toEqual([
      { submodule: "custom_plugins", status: "fresh", plugins: 3 },
      { submodule: "other", status: "failed", plugins: 0, error: expect.stringMatching(/leak\.txt/) },
    ]);
    expect(status).toBe("partial");
    expect(manifest.sets.map((s) => s.submodule)).toEqual(["custom_plugins"]);
    expect(manifest.failed).toEqual([expect.objectContaining({ submodule: "other", error: expect.stringMatching(/leak\.txt/) })]);
    expect(lines.filter((l) => l.startsWith("error "))).toEqual([expect.stringMatching(/^error other: .*leak\.txt/)]);
  });

  it("on the next sync a set that went bad keeps its last good copy while the good set gets its new version", async () => {
    const { source, change } = await kind.create({ ...readTree(EXAMPLES), "other/mod.mjs": OTHER_MOD }, [GOOD, OTHER]);
    const cache = fsCache(tmp());
    const first = await sync(cache, source, null);
    expect(first.status).toBe("succeeded");
    const otherBefore = first.manifest.sets.find((s) => s.submodule === "other")!;

    await change({ "custom_plugins/collections/extra.txt": "new in 1.1\n", "other/leak.txt": { symlink: "../../../../../../etc/passwd" } });
    const bumped = { ...source, sets: [{ ...GOOD, version: "1.1.0" }, { ...OTHER, version: "2" }] } as SyncSourceInput;
    const second = await sync(cache, bumped, first.manifest);
    expect(second.results[0].sets).toEqual([
      { submodule: "custom_plugins", status: "fresh", plugins: 3 },
      { submodule: "other", status: "carried_over", plugins: 1, error: expect.stringMatching(/leak\.txt/) },
    ]);
    const good = second.manifest.sets.find((s) => s.submodule === "custom_plugins")!;
    expect(good).toMatchObject({ version: "1.1.0", status: "fresh" });
    expect(good.files.map((f) => f.path)).toContain("collections/extra.txt");
    const other = second.manifest.sets.find((s) => s.submodule === "other")!;
    expect(other).toMatchObject({ status: "carried_over", version: "1", files: otherBefore.files });
    expect(await verifyGeneration(cache, second.manifest)).toEqual([]);
  });
});
