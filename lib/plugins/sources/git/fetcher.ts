/**
 * Git sources over smart HTTP(S) with isomorphic-git: `revision()` asks the remote for the ref's SHA (no download);
 * `fetch()` does a shallow single-ref fetch into a temp gitdir and writes the commit's tree straight from the object
 * store into ctx.dir (no checkout, no .git in ctx.dir).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import git, { type AuthCallback, type GitHttpRequest, type GitHttpResponse, type HttpClient } from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import {
  PluginSourceError,
  type FetchContext,
  type FetchResult,
  type FileDigest,
  type GitSettings,
  type SecretsByKind,
  type SourceFetcher,
} from "../../types";
import {
  Budget,
  Operation,
  caBundle,
  checkLinkInside,
  checkLinkTargetLexically,
  checkRemoteUrl,
  checkSegment,
  displayUrl,
  errorMessage,
  localFsError,
  networkErrorKind,
  redact,
} from "../common";
import { PackReader, parseTree } from "./pack";

const SHA_RE = /^[0-9a-f]{40}$/i;

type Ctx = Omit<FetchContext, "dir">;

/** The full ref names tried, in order, for a configured ref (a branch wins over a tag of the same name, as in git). */
export function refCandidates(ref: string): string[] {
  const r = ref.trim();
  if (r === "" || r === "HEAD") return ["HEAD"];
  if (r.startsWith("refs/")) return [r];
  return [`refs/heads/${r}`, `refs/tags/${r}`];
}

interface Remote {
  url: string;
  http: HttpClient;
  onAuth?: AuthCallback;
  secrets: string[];
  close(): void;
}

/**
 * isomorphic-git's node client, wrapped: our agents (custom CA, keep-alive, destroyed at the end), scheme re-check
 * per request, a first-byte timeout per request, the operation's abort signal, and a download byte limit.
 */
function openRemote(settings: GitSettings, secret: SecretsByKind["git"], ctx: Ctx, op: Operation, maxDownload: number): Remote {
  const u = checkRemoteUrl(settings.url, ctx.allowHttp, "git URL");
  const token = secret.token || undefined;
  const username = settings.username || "x-access-token";
  const httpsAgent = new https.Agent({ keepAlive: true, ca: caBundle(ctx.ca) });
  const httpAgent = ctx.allowHttp ? new http.Agent({ keepAlive: true }) : undefined;
  const connectMs = ctx.limits.connectTimeoutMs;
  let received = 0;

  const request = async (req: GitHttpRequest): Promise<GitHttpResponse> => {
    op.throwIfAborted();
    const target = new URL(req.url);
    const agent = target.protocol === "https:" ? httpsAgent : target.protocol === "http:" ? httpAgent : undefined;
    if (!agent) checkRemoteUrl(req.url, ctx.allowHttp, "git URL"); // throws "insecure"
    const rc = new AbortController();
    const onAbort = () => rc.abort(op.abortReason);
    op.signal.addEventListener("abort", onAbort, { once: true });
    const done = () => op.signal.removeEventListener("abort", onAbort);
    const timer = setTimeout(
      () => op.fail(new PluginSourceError(`no response from ${target.host} within ${connectMs} ms`, "timeout")),
      connectMs,
    );
    let res: GitHttpResponse;
    try {
      // `agent` and `signal` are options of isomorphic-git/http/node (passed on to simple-get / http.request).
      res = await op.race(nodeHttp.request({ ...req, agent, signal: rc.signal } as GitHttpRequest));
    } catch (e) {
      done();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    const source = res.body;
    if (!source) {
      done();
      return res;
    }
    async function* guarded(): AsyncGenerator<Uint8Array> {
      const it = source![Symbol.asyncIterator]();
      try {
        while (true) {
          const r = await op.race(it.next());
          if (r.done) return;
          if (!r.value) continue;
          received += r.value.byteLength;
          if (received > maxDownload) {
            const err = new PluginSourceError(`the git download exceeds ${maxDownload} bytes (limit)`, "too_large");
            op.fail(err);
            throw err;
          }
          yield r.value;
        }
      } finally {
        done();
        try {
          await it.return?.();
        } catch {
          // the stream is being torn down anyway
        }
      }
    }
    return { ...res, body: guarded() };
  };

  return {
    url: u.href,
    http: { request },
    onAuth: token ? () => ({ username, password: token }) : undefined,
    secrets: token ? [token, Buffer.from(`${username}:${token}`).toString("base64")] : [],
    close() {
      httpsAgent.destroy();
      httpAgent?.destroy();
    },
  };
}

function mapGitError(e: unknown, settings: GitSettings, remote: Remote | undefined, hasToken: boolean): PluginSourceError {
  let where: string;
  try {
    where = displayUrl(new URL(settings.url));
  } catch {
    where = "the git remote";
  }
  const clean = (s: string) => redact(s, remote?.secrets ?? []);
  const code = (e as { code?: unknown })?.code;
  const data = (e as { data?: { statusCode?: number; statusMessage?: string } })?.data;
  if (code === "HttpError" && data?.statusCode) {
    const status = data.statusCode;
    if (status === 401 || status === 403) {
      return new PluginSourceError(
        hasToken
          ? `${where} refused the configured credentials (HTTP ${status}); check the username and token`
          : `${where} requires authentication (HTTP ${status}); configure a token`,
        "auth",
      );
    }
    if (status === 404) return new PluginSourceError(`no git repository at ${where} (HTTP 404)`, "not_found");
    return new PluginSourceError(`${where} answered HTTP ${status} ${clean(data.statusMessage ?? "")}`.trim(), "network");
  }
  if (code === "NotFoundError") {
    return new PluginSourceError(`ref ${JSON.stringify(settings.ref)} not found at ${where}`, "not_found");
  }
  if (code === "SmartHttpError") {
    return new PluginSourceError(`${where} is not a git smart-HTTP endpoint`, "not_found");
  }
  const kind = networkErrorKind(e);
  if (kind) return new PluginSourceError(`${kind === "timeout" ? "timed out" : "network error"} reaching ${where}: ${clean(errorMessage(e))}`, kind);
  const local = localFsError(e);
  if (local) return local;
  if (/not our ref|unadvertised object|upload-pack: not our/i.test(errorMessage(e))) {
    return new PluginSourceError(`commit ${settings.ref} is not available from ${where}`, "not_found");
  }
  return new PluginSourceError(`git fetch from ${where} failed: ${clean(errorMessage(e))}`, "network");
}

async function withRemote<T>(
  settings: GitSettings,
  secret: SecretsByKind["git"],
  ctx: Ctx,
  work: (remote: Remote, op: Operation) => Promise<T>,
  cleanup?: () => Promise<void>,
): Promise<T> {
  // Scheme check first: nothing is sent for a refused URL.
  checkRemoteUrl(settings.url, ctx.allowHttp, "git URL");
  const op = new Operation(ctx.limits, ctx.signal);
  let remote: Remote | undefined;
  try {
    remote = openRemote(settings, secret, ctx, op, ctx.limits.maxBytes);
    const r = remote;
    return await op.run(() => work(r, op));
  } catch (e) {
    throw op.settle(e, (err) => mapGitError(err, settings, remote, !!secret.token));
  } finally {
    await op.close();
    remote?.close();
    await cleanup?.();
  }
}

/**
 * Asks the remote which commit `ref` names (annotated tags peeled), without downloading objects. Protocol v1 on
 * purpose: its ref advertisement is ONE request (v2 needs a capabilities request, then ls-refs), and a no-op
 * resync is mostly these round trips (P2 in BENCHMARKS.md). Every candidate is looked up in that one answer.
 */
async function resolveRemoteRef(remote: Remote, ref: string): Promise<string> {
  if (SHA_RE.test(ref.trim())) return ref.trim().toLowerCase();
  const refs = await git.listServerRefs({
    http: remote.http,
    url: remote.url,
    onAuth: remote.onAuth,
    protocolVersion: 1,
    peelTags: true,
    symrefs: true,
  });
  for (const candidate of refCandidates(ref)) {
    const hit = refs.find((r) => r.ref === candidate);
    if (hit) return (hit.peeled ?? hit.oid).toLowerCase();
  }
  throw Object.assign(new Error(`ref ${ref} not found`), { code: "NotFoundError" });
}

interface Entry {
  rel: string;
  kind: "dir" | "file" | "link";
  oid: string;
  executable?: boolean;
}

/**
 * Reads the commit's tree recursively (trees only: cheap), validating names and counting files. Trees come from
 * the pack when they are in it (isomorphic-git's readTree resolves each tree's delta chain again), else from
 * isomorphic-git. checkSegment refuses what would leave the directory or write a `.git` (any case).
 */
async function listTree(gitdir: string, cache: object, pack: PackReader, treeOid: string, budget: Budget, log: (l: string) => void, op: Operation) {
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
  const walk = async (oid: string, prefix: string) => {
    op.throwIfAborted();
    const tree = await readTree(oid);
    for (const e of tree) {
      checkSegment(e.path, `git tree entry ${JSON.stringify(prefix + e.path)}`);
      const rel = prefix + e.path;
      switch (e.mode) {
        case "040000":
          out.push({ rel, kind: "dir", oid: e.oid });
          await walk(e.oid, `${rel}/`);
          break;
        case "100644":
        case "100755":
        case "100664":
          budget.addFiles();
          out.push({ rel, kind: "file", oid: e.oid, executable: e.mode === "100755" });
          break;
        case "120000":
          budget.addFiles();
          out.push({ rel, kind: "link", oid: e.oid });
          break;
        case "160000":
          log(`git: skipping submodule ${rel} (submodules are not fetched)`);
          break;
        default:
          throw new PluginSourceError(`unsupported git tree entry mode ${e.mode} at ${JSON.stringify(rel)}`, "unsafe_path");
      }
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
  const pack = PackReader.open(gitdir, ctx.limits.maxBytes);
  const entries = await listTree(gitdir, cache, pack, treeOid, budget, ctx.log, op);
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
      checkLinkTargetLexically(e.rel, target);
      fs.symlinkSync(target, abs(e.rel));
      links.push(e.rel);
    } else {
      // "wx": never follow or overwrite something already at that path.
      fs.writeFileSync(abs(e.rel), blob, { flag: "wx", mode: e.executable ? 0o755 : 0o644 });
      digests.set(e.rel, { size: blob.byteLength, sha256: createHash("sha256").update(blob).digest("hex") });
    }
  }
  // Lexically fine links can still leave the root through other links: check where each one really leads.
  for (const rel of links) await checkLinkInside(root, rel);
  return { files: budget.files, bytes: budget.bytes, digests };
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
        const { oid: commit, commit: c } = await git.readCommit({ fs, gitdir, oid: head, cache });
        const { files, bytes, digests } = await writeTree(gitdir, cache, c.tree, ctx, op);
        ctx.log(`git: ${commit} fetched in ${fetchedMs} ms, ${files} files / ${bytes} bytes written in ${Date.now() - started - fetchedMs} ms`);
        return { revision: commit, files, bytes, digests };
      },
      () => fsp.rm(gitdir, { recursive: true, force: true }),
    );
  },
};
