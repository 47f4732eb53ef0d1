/**
 * The remote side of git sources: an isomorphic-git HTTP client with our agents, timeouts, size cap and credentials
 * (openRemote), the ref's SHA from one protocol-v1 ref advertisement (resolveRemoteRef), and git's errors as
 * PluginSourceErrors with the token cut out (mapGitError).
 */
import http from "node:http";
import https from "node:https";
import git, { type AuthCallback, type GitHttpRequest, type GitHttpResponse, type HttpClient } from "isomorphic-git";
import nodeHttp from "isomorphic-git/http/node";
import { PluginSourceError, type FetchContext, type GitSettings, type SecretsByKind } from "../../types";
import { Operation, caBundle, checkRemoteUrl, displayUrl, errorMessage, localFsError, networkErrorKind, redact } from "../common";

export const SHA_RE = /^[0-9a-f]{40}$/i;

type Ctx = Omit<FetchContext, "dir">;

/** The full ref names tried, in order, for a configured ref (a branch wins over a tag of the same name, as in git). */
export function refCandidates(ref: string): string[] {
  const r = ref.trim();
  if (r === "" || r === "HEAD") return ["HEAD"];
  if (r.startsWith("refs/")) return [r];
  return [`refs/heads/${r}`, `refs/tags/${r}`];
}

export interface Remote {
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

export async function withRemote<T>(
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
export async function resolveRemoteRef(remote: Remote, ref: string): Promise<string> {
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
