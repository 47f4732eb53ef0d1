/**
 * S3 (and S3-compatible) sources: `revision()` lists the keys under the prefix that lie in the sets' submodules
 * (sha256 over keys + ETags); `fetch()` lists and downloads each of those objects (bounded concurrency) into ctx.dir,
 * relative to the prefix. Keys elsewhere under the prefix are ignored. With a pinned sha256 or a signature policy,
 * the prefix's SHA256SUMS is checked first and every object against it (./checksums.ts).
 */
import { createHash } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { meteredHash } from "../metered-hash";
import { pipeline } from "node:stream/promises";
import {
  PluginSourceError,
  type FetchContext,
  type FetchResult,
  type S3Settings,
  type SecretsByKind,
  type SourceFetcher,
} from "../../types";
import {
  Budget,
  Operation,
  checkRelativePath,
  checkRemoteUrl,
  errorMessage,
  localFsError,
  networkErrorKind,
  redact,
} from "../common";
import { eachLimited } from "../../each-limited";
import { isBelow } from "../../safe-path";
import { Staging } from "../staging";
import { createS3Client } from "../../s3-client";
import { logLine } from "../../log-line";
import { checkDigest, checkListed, checksummed, loadSums, SUMS_OBJECTS } from "./checksums";

type Ctx = Omit<FetchContext, "dir">;

export interface S3FetcherOptions {
  /** MaxKeys per ListObjectsV2 page (S3's default and maximum is 1000); tests use a small value to force paging. */
  pageSize?: number;
  /** Parallel GetObject requests (default 8). */
  concurrency?: number;
}

export interface S3Object {
  key: string;
  /** Path below the prefix (POSIX). */
  rel: string;
  etag: string;
  size: number;
}

/** The prefix as a directory: "" stays "", anything else ends with "/". */
export function normalizePrefix(prefix: string): string {
  const p = prefix ?? "";
  return p === "" || p.endsWith("/") ? p : `${p}/`;
}

const normalizeEtag = (e: string) => e.replace(/^W\//, "").replace(/"/g, "").toLowerCase();

/** sha256 over the sorted `key "\0" ETag "\n"` lines. */
export function s3Revision(objects: { key: string; etag: string }[]): string {
  const lines = objects.map((o) => `${o.key}\0${o.etag}\n`).sort();
  const h = createHash("sha256");
  for (const l of lines) h.update(l, "utf8");
  return h.digest("hex");
}

/**
 * The objects that can be written: each key's path below the prefix must be a safe relative path ("unsafe_path":
 * absolute, "..", ".", empty segments, backslash, NUL), and no key may be both a file and a directory (the file and
 * everything below it are left out). What fails is recorded in `staging` (it fails the sets that hold it).
 */
export async function checkS3Paths<T extends { key: string; rel: string }>(objects: T[], staging: Staging): Promise<T[]> {
  const safe: T[] = [];
  for (const o of objects) {
    if (await staging.guard(o.rel, () => checkRelativePath(o.rel, `S3 key ${JSON.stringify(o.key)}`))) safe.push(o);
  }
  const dirs = new Set<string>();
  for (const o of safe) {
    const parts = o.rel.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  const clashing = new Set<string>();
  for (const o of safe) {
    if (!dirs.has(o.rel)) continue;
    clashing.add(o.rel);
    await staging.guard(o.rel, () => {
      throw new PluginSourceError(`S3 key ${JSON.stringify(o.key)} is both an object and a folder`, "unsafe_path");
    });
  }
  return safe.filter((o) => ![...clashing].some((c) => o.rel === c || isBelow(c, o.rel)));
}

const AUTH_ERRORS = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AccessDenied",
  "AllAccessDisabled",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "AuthorizationHeaderMalformed",
  "InvalidSecurity",
  "CredentialsProviderError",
]);

function mapS3Error(e: unknown, settings: S3Settings, secret: SecretsByKind["s3"]): PluginSourceError {
  const err = e as { name?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err?.name ?? "";
  const status = err?.$metadata?.httpStatusCode;
  const detail = redact(errorMessage(e), [secret.secretAccessKey]);
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return new PluginSourceError(
      `S3 refused the credentials for bucket ${JSON.stringify(settings.bucket)} (${name || `HTTP ${status}`}); check the access key and secret`,
      "auth",
    );
  }
  if (name === "NoSuchBucket") return new PluginSourceError(`S3 bucket ${JSON.stringify(settings.bucket)} does not exist`, "not_found");
  if (name === "NoSuchKey" || status === 404) {
    return new PluginSourceError(`S3 ${name || "HTTP 404"} in bucket ${JSON.stringify(settings.bucket)}: ${detail}`, "not_found");
  }
  if (name === "TimeoutError") return new PluginSourceError(`S3 request timed out: ${detail}`, "timeout");
  const kind = networkErrorKind(e);
  if (kind) return new PluginSourceError(`${kind === "timeout" ? "timed out" : "network error"} reaching S3: ${detail}`, kind);
  const local = localFsError(e);
  if (local) return local;
  return new PluginSourceError(`S3 request failed: ${name ? `${name}: ` : ""}${detail}`, "network");
}

function openClient(settings: S3Settings, secret: SecretsByKind["s3"], ctx: Ctx) {
  const ms = ctx.limits.connectTimeoutMs;
  const client = createS3Client({ ...settings, secretAccessKey: secret.secretAccessKey, ca: ctx.ca, connectTimeoutMs: ms, requestTimeoutMs: ms });
  return { client, close: () => client.destroy() };
}

export function createS3Fetcher(options: S3FetcherOptions = {}): SourceFetcher<"s3"> {
  const concurrency = Math.max(1, options.concurrency ?? 8);

  async function run<T>(
    settings: S3Settings,
    secret: SecretsByKind["s3"],
    ctx: Ctx,
    work: (client: S3Client, op: Operation) => Promise<T>,
  ): Promise<T> {
    if (settings.endpoint) checkRemoteUrl(settings.endpoint, ctx.allowHttp, "S3 endpoint");
    if (!settings.bucket) throw new PluginSourceError("no S3 bucket configured", "config");
    const op = new Operation(ctx.limits, ctx.signal);
    const { client, close } = openClient(settings, secret, ctx);
    try {
      return await op.run(() => work(client, op));
    } catch (e) {
      throw op.settle(e, (err) => mapS3Error(err, settings, secret));
    } finally {
      await op.close();
      close();
    }
  }

  /** The objects under the prefix that lie in the staged directories (the sets' submodules); the rest is ignored. */
  async function list(client: S3Client, settings: S3Settings, ctx: Ctx, op: Operation, staging: Staging, side?: { key: string; etag: string }[]): Promise<S3Object[]> {
    const prefix = normalizePrefix(settings.prefix);
    const out: S3Object[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: settings.bucket,
          Prefix: prefix || undefined,
          ContinuationToken: token,
          MaxKeys: options.pageSize,
        }),
        { abortSignal: op.signal },
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || !o.Key.startsWith(prefix) || o.Key.endsWith("/")) continue; // folder markers
        const rel = o.Key.slice(prefix.length);
        if (side && SUMS_OBJECTS.includes(rel)) side.push({ key: o.Key, etag: o.ETag ?? "" });
        if (!staging.holds(rel)) continue;
        out.push({ key: o.Key, rel, etag: o.ETag ?? "", size: o.Size ?? 0 });
        if (out.length > ctx.limits.maxFiles) {
          throw new PluginSourceError(`the source has more than ${ctx.limits.maxFiles} files (limit)`, "too_large");
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  return {
    async revision(settings, secret, ctx) {
      return run(settings, secret, ctx, async (client, op) => {
        const side = checksummed(settings) ? sumsRevisionPart(settings) : undefined;
        return s3Revision([...(await list(client, settings, ctx, op, new Staging(ctx.submodules), side)), ...(side ?? [])]);
      });
    },

    async fetch(settings, secret, ctx): Promise<FetchResult> {
      return run(settings, secret, ctx, async (client, op) => {
        const started = Date.now();
        const staging = new Staging(ctx.submodules);
        const side = checksummed(settings) ? sumsRevisionPart(settings) : undefined;
        const listed = await list(client, settings, ctx, op, staging, side);
        const objects = await checkS3Paths(listed, staging);
        // A checksum list (pinned or signed) is checked before any content is fetched; then every object against it.
        const checked = settings.sha256 || ctx.signature ? await loadSums(client, settings, normalizePrefix(settings.prefix), ctx.signature, op) : undefined;
        if (checked?.signer) ctx.log(logLine("s3Signed", { sha256: checked.sha256.slice(0, 12), name: checked.signer.name, fingerprint: checked.signer.fingerprint }));
        if (checked) checkListed(objects, checked.sums, staging);
        const budget = new Budget(ctx.limits);
        budget.addFiles(objects.length);
        if (objects.reduce((n, o) => n + o.size, 0) > ctx.limits.maxBytes) {
          throw new PluginSourceError(`the source is larger than ${ctx.limits.maxBytes} bytes (limit)`, "too_large");
        }
        if (!objects.length) ctx.log(logLine("s3Empty", { prefix: JSON.stringify(normalizePrefix(settings.prefix)) }));
        const root = await fsp.realpath(ctx.dir);
        const fetched: { key: string; etag: string }[] = [];
        await eachLimited(objects, concurrency, async (o) => {
          op.throwIfAborted();
          const res = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: o.key }), {
            abortSignal: op.signal,
          });
          const body = res.Body as Readable | undefined;
          const abs = path.join(root, ...o.rel.split("/"));
          await fsp.mkdir(path.dirname(abs), { recursive: true });
          const count = meteredHash((n) => budget.addBytes(n));
          try {
            if (body) await pipeline(body, count, createWriteStream(abs, { flags: "wx" }), { signal: op.signal });
            else await fsp.writeFile(abs, "", { flag: "wx" });
          } catch (e) {
            const code = (e as { code?: string }).code;
            if (code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR") {
              throw new PluginSourceError(`S3 key ${JSON.stringify(o.key)} collides with another key`, "unsafe_path");
            }
            throw e;
          }
          if (checked) checkDigest(o, count.result().sha256, checked.sums);
          // Same object as listed (ETag formatting may differ between list and get): keep the listed ETag so that
          // fetch() and revision() agree; a changed object gets the ETag of what was actually written.
          const got = res.ETag ?? o.etag;
          fetched.push({ key: o.key, etag: normalizeEtag(got) === normalizeEtag(o.etag) ? o.etag : got });
        });
        // The objects left out count as listed, so that fetch() and revision() agree.
        const kept = new Set(objects);
        const revision = s3Revision([...fetched, ...listed.filter((o) => !kept.has(o)), ...(side ?? [])]);
        ctx.log(logLine("s3Fetched", { objects: objects.length, bytes: budget.bytes, ms: Date.now() - started }));
        return { revision, files: objects.length, bytes: budget.bytes, rejected: staging.rejected, ...(checked?.signer ? { signer: checked.signer } : {}) };
      });
    },
  };
}

/** What a checksum list adds to the revision: its objects' ETags (collected by list()) and the pin itself. */
function sumsRevisionPart(settings: S3Settings): { key: string; etag: string }[] {
  return settings.sha256 ? [{ key: "\0pinned SHA256SUMS", etag: settings.sha256 }] : [];
}

export const s3Fetcher: SourceFetcher<"s3"> = createS3Fetcher();
