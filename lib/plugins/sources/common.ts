/**
 * Helpers shared by the source fetchers: URL scheme checks, CA bundles, deadlines, error mapping, path safety, limits.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { scrub } from "../../redact";
import { isSafeSegment, linkTargetInside, safeSegments } from "../safe-path";
import { isInside, resolveReal } from "../safe-path/fs";
import { PluginSourceError, type FetchLimits } from "../types";

export { isInside, resolveReal } from "../safe-path/fs";

/** The URL without credentials, query or fragment, for messages. */
export function displayUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * Parses a remote URL and re-checks its scheme at fetch time: https always, http only when `allowHttp`
 * (EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE), anything else refused ("insecure").
 */
export function checkRemoteUrl(raw: string, allowHttp: boolean, what: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PluginSourceError(`${what} is not a valid URL`, "config");
  }
  if (u.protocol === "https:") return u;
  if (u.protocol === "http:") {
    if (allowHttp) return u;
    throw new PluginSourceError(
      `${what} ${displayUrl(u)} uses plain http:, which is refused unless insecure sources are allowed`,
      "insecure",
    );
  }
  throw new PluginSourceError(`${what} scheme "${u.protocol}" is not supported (https: only, or http: when allowed)`, "insecure");
}

/**
 * The CA list for an https.Agent when an extra CA is given: Node's default roots (bundled + NODE_EXTRA_CA_CERTS, +
 * system store with --use-system-ca on Node ≥22.15) plus `extra`. Passing `ca` alone would replace the defaults.
 */
export function caBundle(extra: string | undefined): string[] | undefined {
  if (!extra) return undefined;
  const getCA = (tls as unknown as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  let base: string[];
  if (typeof getCA === "function") {
    base = getCA("default");
  } else {
    base = [...tls.rootCertificates];
    // Node's own variable (it reads it at start; older Nodes do not expose the result): not Opsflow configuration.
    const file = process.env.NODE_EXTRA_CA_CERTS;
    if (file) {
      try {
        base.push(readFileSync(file, "utf8"));
      } catch {
        // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
      }
    }
  }
  return [...base, extra];
}

/** Secrets and credentials cut from a message (the one redactor, lib/redact.ts). */
export const redact = (text: string, secrets: (string | undefined)[]): string => scrub(text, secrets.filter((s): s is string => Boolean(s)));

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_FAIL",
  "EAI_NONAME",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
  "EPROTO",
  "EADDRNOTAVAIL",
  "ERR_INVALID_PROTOCOL",
  "ERR_STREAM_PREMATURE_CLOSE",
  "ERR_SOCKET_CLOSED",
  "ERR_HTTP_HEADERS_SENT",
  "ENETRESET",
]);
const NETWORK_PREFIXES = ["ERR_TLS_", "ERR_SSL_", "CERT_", "UNABLE_TO_", "DEPTH_ZERO_", "SELF_SIGNED_", "HPE_", "UND_ERR_"];
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ESOCKETTIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT"]);

function codesOf(e: unknown): string[] {
  const out: string[] = [];
  for (let cur: unknown = e, i = 0; cur && typeof cur === "object" && i < 5; cur = (cur as { cause?: unknown }).cause, i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") out.push(code);
    const errors = (cur as { errors?: unknown }).errors; // AggregateError (happy eyeballs)
    if (Array.isArray(errors)) for (const sub of errors) out.push(...codesOf(sub));
  }
  return out;
}

/** "timeout" / "network" for socket, DNS and TLS errors (looking through `cause`), else undefined. */
export function networkErrorKind(e: unknown): "timeout" | "network" | undefined {
  const codes = codesOf(e);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return "timeout";
  if (codes.some((c) => NETWORK_CODES.has(c) || NETWORK_PREFIXES.some((p) => c.startsWith(p)))) return "network";
  return undefined;
}

const FS_SYSCALLS = new Set(["open", "mkdir", "mkdtemp", "write", "symlink", "rename", "unlink", "rm", "rmdir", "lstat", "stat", "close", "scandir", "realpath", "copyfile", "fstat", "readlink"]);
const COLLISION_CODES = new Set(["EEXIST", "ENOTDIR", "EISDIR"]);

/**
 * A local file-system error while writing the fetched files (not the remote's fault): "unsafe_path" when an entry
 * collides with one already there (duplicate names, file vs folder), else "config" (disk full, permissions, …).
 */
export function localFsError(e: unknown): PluginSourceError | undefined {
  const { code, syscall } = (e ?? {}) as { code?: unknown; syscall?: unknown };
  if (typeof code !== "string" || typeof syscall !== "string" || !FS_SYSCALLS.has(syscall)) return undefined;
  if (networkErrorKind(e)) return undefined;
  if (COLLISION_CODES.has(code)) {
    return new PluginSourceError(`a fetched path collides with another entry (${code}) — duplicate names or a non-empty target directory`, "unsafe_path");
  }
  return new PluginSourceError(`writing the fetched files failed: ${errorMessage(e)}`, "config");
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === "string" && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/**
 * One fetch's lifetime: an AbortSignal that fires on the total timeout, on `fail()` (e.g. a limit) or when the
 * caller's signal aborts. `run()` settles as soon as the operation is aborted even if the work ignores the signal;
 * `close()` then waits briefly for that work to wind down before temp dirs are removed.
 */
export class Operation {
  private readonly controller = new AbortController();
  private failure: unknown;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly pending: Promise<unknown>[] = [];
  private readonly onOuterAbort = () => this.abort(this.outer?.reason ?? new DOMException("The operation was aborted", "AbortError"));

  constructor(
    limits: Pick<FetchLimits, "totalTimeoutMs">,
    private readonly outer?: AbortSignal,
  ) {
    this.timer = setTimeout(
      () => this.fail(new PluginSourceError(`timed out after ${limits.totalTimeoutMs} ms (total time limit)`, "timeout")),
      limits.totalTimeoutMs,
    );
    if (outer?.aborted) this.onOuterAbort();
    else outer?.addEventListener("abort", this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the operation with a PluginSourceError (first failure wins). */
  fail(err: PluginSourceError): void {
    this.abort(err);
  }

  private abort(reason: unknown): void {
    if (this.controller.signal.aborted) return;
    this.failure = reason;
    this.controller.abort(reason);
  }

  /** The error the operation was aborted with (a PluginSourceError, or the caller's abort reason). */
  get abortReason(): unknown {
    return this.failure;
  }

  throwIfAborted(): void {
    if (this.controller.signal.aborted) throw this.failure ?? this.controller.signal.reason;
  }

  /** Settles like `p`, or rejects with the abort reason as soon as the operation is aborted. */
  race<T>(p: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) {
      p.catch(() => undefined);
      return Promise.reject(this.failure ?? signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.failure ?? signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      p.then(
        (v) => {
          signal.removeEventListener("abort", onAbort);
          resolve(v);
        },
        (e) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      );
    });
  }

  /** Runs `work` as part of the operation (see `race`); `close()` waits briefly for it if it outlives an abort. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const p = Promise.resolve().then(work);
    this.pending.push(p.catch(() => undefined));
    return this.race(p);
  }

  async close(graceMs = 1000): Promise<void> {
    clearTimeout(this.timer);
    this.outer?.removeEventListener("abort", this.onOuterAbort);
    if (!this.pending.length) return;
    if (!this.controller.signal.aborted) this.controller.abort(new DOMException("operation finished", "AbortError"));
    let t: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(this.pending),
      new Promise<void>((resolve) => {
        t = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(t);
  }

  /**
   * The error to throw for `e` caught during the operation: the abort reason if aborted (timeout, limit, caller),
   * a PluginSourceError as is, else `map(e)`.
   */
  settle(e: unknown, map: (e: unknown) => PluginSourceError): unknown {
    if (this.controller.signal.aborted && this.failure !== undefined) return this.failure;
    if (e instanceof PluginSourceError) return e;
    return map(e);
  }
}

/** Counts files and bytes against the limits; throws "too_large" when exceeded. */
export class Budget {
  files = 0;
  bytes = 0;
  constructor(private readonly limits: Pick<FetchLimits, "maxFiles" | "maxBytes">) {}

  addFiles(n = 1): void {
    this.files += n;
    if (this.files > this.limits.maxFiles) {
      throw new PluginSourceError(`the source has more than ${this.limits.maxFiles} files (limit)`, "too_large");
    }
  }

  addBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) {
      throw new PluginSourceError(`the source is larger than ${this.limits.maxBytes} bytes (limit)`, "too_large");
    }
  }
}

/** Throws "unsafe_path" unless `name` is a plain single path segment (safe-path) and not ".git" (any case). */
export function checkSegment(name: string, where: string): void {
  if (!isSafeSegment(name) || name.toLowerCase() === ".git") {
    throw new PluginSourceError(`unsafe path in ${where}: ${JSON.stringify(name)}`, "unsafe_path");
  }
}

/** The segments of a relative path from remote content (e.g. an S3 key below the prefix); "unsafe_path" unless safe. */
export function checkRelativePath(rel: string, where: string): string[] {
  const parts = safeSegments(rel);
  if (!parts) throw new PluginSourceError(`unsafe path in ${where}: ${JSON.stringify(rel)}`, "unsafe_path");
  return parts;
}

/** Throws "unsafe_path" unless the symlink at `root/rel` (root must be a real path) resolves inside `root`. */
export async function checkLinkInside(root: string, rel: string): Promise<void> {
  const real = await resolveReal(path.join(root, ...rel.split("/")));
  if (real === undefined || !isInside(root, real, { orSame: true })) {
    throw new PluginSourceError(`symlink ${JSON.stringify(rel)} points outside the source`, "unsafe_path");
  }
}

/** Lexical pre-check of a symlink target stored at `rel` (POSIX, relative to the root). */
export function checkLinkTargetLexically(rel: string, target: string): void {
  if (linkTargetInside(rel, target) === null) throw new PluginSourceError(`symlink ${JSON.stringify(rel)} points outside the source`, "unsafe_path");
}
