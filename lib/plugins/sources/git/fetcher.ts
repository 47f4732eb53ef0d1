/**
 * Git sources over smart HTTP(S) with isomorphic-git: `revision()` asks the remote for the ref's SHA (no download);
 * `fetch()` does a shallow single-ref fetch into a temp gitdir and writes the trees of the sets' submodules
 * (ctx.submodules) straight from the object store into ctx.dir (no checkout, no .git in ctx.dir).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import git from "isomorphic-git";
import {
  PluginSourceError,
  type FetchContext,
  type FetchResult,
  type FileDigest,
  type SourceFetcher,
} from "../../types";
import {
  Budget,
  Operation,
  checkLinkInside,
  checkLinkTargetLexically,
  checkRemoteUrl,
  checkSegment,
} from "../common";
import { Staging } from "../staging";
import { PackReader, parseTree, type TreeEntry } from "./pack";
import { refCandidates, resolveRemoteRef, SHA_RE, withRemote } from "./remote";
import { verifyFetched } from "./verify-fetched";
import { logLine, type SyncLogLine } from "../../log-line";

export { refCandidates } from "./remote";

interface Entry {
  rel: string;
  kind: "dir" | "file" | "link";
  oid: string;
  executable?: boolean;
}

/**
 * Reads the trees of the staged directories (and of the folders above them) recursively: trees only, cheap, and
 * nothing else of the commit. Names are validated and files counted inside the staged directories only. Trees come
 * from the pack when they are in it (isomorphic-git's readTree resolves each tree's delta chain again), else from
 * isomorphic-git. checkSegment refuses what would leave the directory or write a `.git` (any case).
 */
async function listTree(gitdir: string, cache: object, pack: PackReader, treeOid: string, budget: Budget, staging: Staging, log: (l: SyncLogLine) => void, op: Operation) {
  const out: Entry[] = [];
  const readTree = async (oid: string) => {
    const packed = pack.read(oid);
    if (packed === null) return (await git.readTree({ fs, gitdir, oid, cache })).tree;
    if (packed.type !== "tree") throw new PluginSourceError(`git object ${oid} is a ${packed.type}, not a tree`, "unsafe_path");
    try {
      return parseTree(packed.data);
    } catch (e) {
      throw new PluginSourceError(`git tree ${oid}: ${(e as Error).message}`, "unsafe_path");
    }
  };
  const visit = async (e: TreeEntry, rel: string) => {
    checkSegment(e.path, `git tree entry ${JSON.stringify(rel)}`);
    if (e.mode === "040000") {
      out.push({ rel, kind: "dir", oid: e.oid });
      await walk(e.oid, `${rel}/`);
    } else if (staging.isRootOrAbove(rel)) {
      if (e.mode === "120000") throw new PluginSourceError(`${JSON.stringify(rel)} is a symlink; a submodule and the folders above it must be directories`, "unsafe_path");
    } else if (e.mode === "100644" || e.mode === "100755" || e.mode === "100664") {
      budget.addFiles();
      out.push({ rel, kind: "file", oid: e.oid, executable: e.mode === "100755" });
    } else if (e.mode === "120000") {
      budget.addFiles();
      out.push({ rel, kind: "link", oid: e.oid });
    } else if (e.mode === "160000") {
      log(logLine("gitSubmoduleSkipped", { path: rel }));
    } else {
      throw new PluginSourceError(`unsupported git tree entry mode ${e.mode} at ${JSON.stringify(rel)}`, "unsafe_path");
    }
  };
  const walk = async (oid: string, prefix: string) => {
    op.throwIfAborted();
    for (const e of await readTree(oid)) {
      const rel = prefix + e.path;
      // Outside the sets' submodules: not read, whatever it is.
      if (staging.holds(rel) || staging.leadsTo(rel)) await staging.guard(rel, () => visit(e, rel));
    }
  };
  await walk(treeOid, "");
  return out;
}

/**
 * Writes the tree into ctx.dir. Blobs come from the fetched pack through PackReader (each object inflated once,
 * natively); one that is not in a pack falls back to isomorphic-git. The files are small and local, so they are
 * written synchronously, yielding to the event loop every few dozen files (timeouts and aborts stay responsive).
 */
async function writeTree(gitdir: string, cache: object, treeOid: string, ctx: FetchContext, op: Operation) {
  const budget = new Budget(ctx.limits);
  const staging = new Staging(ctx.submodules);
  const pack = PackReader.open(gitdir, ctx.limits.maxBytes);
  const entries = await listTree(gitdir, cache, pack, treeOid, budget, staging, ctx.log, op);
  const root = await fsp.realpath(ctx.dir);
  const abs = (rel: string) => path.join(root, ...rel.split("/"));
  const digests = new Map<string, FileDigest>();
  // Directories first, parents before children; mkdir without `recursive` fails on anything already there.
  for (const e of entries) if (e.kind === "dir") fs.mkdirSync(abs(e.rel));
  const links: string[] = [];
  let written = 0;
  for (const e of entries) {
    if (e.kind === "dir") continue;
    if (++written % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    op.throwIfAborted();
    const packed = pack.read(e.oid);
    if (packed !== null && packed.type !== "blob") {
      throw new PluginSourceError(`git tree entry ${JSON.stringify(e.rel)} is a ${packed.type}, not a blob`, "unsafe_path");
    }
    const blob = packed?.data ?? (await git.readBlob({ fs, gitdir, oid: e.oid, cache })).blob;
    budget.addBytes(blob.byteLength);
    if (e.kind === "link") {
      const target = Buffer.from(blob).toString("utf8");
      if (await staging.guard(e.rel, () => checkLinkTargetLexically(e.rel, target))) {
        fs.symlinkSync(target, abs(e.rel));
        links.push(e.rel);
      }
    } else {
      // "wx": never follow or overwrite something already at that path.
      fs.writeFileSync(abs(e.rel), blob, { flag: "wx", mode: e.executable ? 0o755 : 0o644 });
      digests.set(e.rel, { size: blob.byteLength, sha256: createHash("sha256").update(blob).digest("hex") });
    }
  }
  // Lexically fine links can still leave the root through other links: check where each one really leads.
  for (const rel of links) if (!(await staging.guard(rel, () => checkLinkInside(root, rel)))) fs.unlinkSync(abs(rel));
  return { files: budget.files, bytes: budget.bytes, digests, rejected: staging.rejected };
}

export const gitFetcher: SourceFetcher<"git"> = {
  async revision(settings, secret, ctx) {
    return withRemote(settings, secret, ctx, (remote) => resolveRemoteRef(remote, settings.ref));
  },

  async fetch(settings, secret, ctx): Promise<FetchResult> {
    checkRemoteUrl(settings.url, ctx.allowHttp, "git URL");
    // The process id in the name: whose a leftover is (several servers or suites may share the temp dir).
    const gitdir = await fsp.mkdtemp(path.join(os.tmpdir(), `opsflow-gitdir-${process.pid}-`));
    return withRemote(
      settings,
      secret,
      ctx,
      async (remote, op) => {
        const cache = {};
        const started = Date.now();
        await git.init({ fs, gitdir, bare: true, defaultBranch: "main" });
        await git.addRemote({ fs, gitdir, remote: "origin", url: remote.url });
        const common = {
          fs,
          http: remote.http,
          gitdir,
          cache,
          remote: "origin",
          onAuth: remote.onAuth,
          singleBranch: true,
          depth: 1,
          tags: false,
        };
        const ref = settings.ref.trim();
        let head: string | null = null;
        if (SHA_RE.test(ref)) {
          await git.fetch({ ...common, ref: ref.toLowerCase() });
          head = ref.toLowerCase();
        } else {
          const candidates = refCandidates(ref);
          for (let i = 0; i < candidates.length; i++) {
            try {
              head = (await git.fetch({ ...common, ref: candidates[i] })).fetchHead;
              break;
            } catch (e) {
              if ((e as { code?: unknown }).code === "NotFoundError" && i < candidates.length - 1) continue;
              throw e;
            }
          }
        }
        if (!head) throw new PluginSourceError("the git repository is empty", "not_found");
        op.throwIfAborted();
        const fetchedMs = Date.now() - started;
        // Under a signature policy nothing is written before the commit (or the tag the ref names) is verified.
        const signer = ctx.signature ? await verifyFetched(gitdir, cache, head, ref, ctx.signature) : undefined;
        if (signer) ctx.log(logLine("gitSigned", { commit: head.slice(0, 12), name: signer.name, fingerprint: signer.fingerprint }));
        const { oid: commit, commit: c } = await git.readCommit({ fs, gitdir, oid: head, cache });
        const { files, bytes, digests, rejected } = await writeTree(gitdir, cache, c.tree, ctx, op);
        ctx.log(logLine("gitFetched", { commit, fetchMs: fetchedMs, files, bytes, writeMs: Date.now() - started - fetchedMs }));
        return { revision: commit, files, bytes, digests, rejected, ...(signer ? { signer } : {}) };
      },
      () => fsp.rm(gitdir, { recursive: true, force: true }),
    );
  },
};
