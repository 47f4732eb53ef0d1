import { createWriteStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { meteredHash } from "../metered-hash";
import { pipeline } from "node:stream/promises";
import type { FetchContext, SecretsByKind, SettingsByKind } from "../../types";
import { PluginSourceError } from "../../types";
import { Budget, Operation, caBundle, checkRemoteUrl, displayUrl, errorMessage, networkErrorKind, redact } from "../common";

type Settings = SettingsByKind["http"];
type Secret = SecretsByKind["http"];
type Ctx = Omit<FetchContext, "dir">;

const MAX_REDIRECTS = 5;

/** The revision of a download: its validator (ETag, else Last-Modified), or null when the server sends neither. */
export function validatorOf(headers: http.IncomingHttpHeaders): string | null {
  const etag = headers.etag;
  if (typeof etag === "string" && etag) return `etag:${etag}`;
  const lm = headers["last-modified"];
  return typeof lm === "string" && lm ? `last-modified:${lm}` : null;
}

/** The conditional request headers for a revision recorded before (see validatorOf). */
function conditional(previous: string | undefined): Record<string, string> {
  if (previous?.startsWith("etag:")) return { "if-none-match": previous.slice(5) };
  if (previous?.startsWith("last-modified:")) return { "if-modified-since": previous.slice(14) };
  return {};
}

export interface Opened {
  res: http.IncomingMessage;
  /** The URL that answered (after redirects), without credentials. */
  url: URL;
}

/**
 * GETs the archive, following up to 5 redirects (each URL checked against the https-only policy; credentials are
 * sent to the configured origin only). `previous` makes it conditional: a 304 comes back as the response.
 */
export async function openArchive(settings: Settings, secret: Secret, ctx: Ctx, op: Operation, previous?: string): Promise<Opened> {
  let url = checkRemoteUrl(settings.url, ctx.allowHttp, "archive URL");
  const origin = url.origin;
  const agents = { https: new https.Agent({ ca: caBundle(ctx.ca) }), http: new http.Agent() };
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { accept: "application/gzip, application/zip, application/octet-stream, */*", ...conditional(previous) };
    if (url.origin === origin) {
      if (settings.auth === "bearer" && secret.token) headers.authorization = `Bearer ${secret.token}`;
      if (settings.auth === "basic") headers.authorization = `Basic ${Buffer.from(`${settings.username}:${secret.password ?? ""}`).toString("base64")}`;
    }
    const res = await op.race(request(url, headers, url.protocol === "https:" ? agents.https : agents.http, ctx.limits.connectTimeoutMs, op.signal));
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new PluginSourceError(`more than ${MAX_REDIRECTS} redirects from ${displayUrl(new URL(settings.url))}`, "network");
      url = checkRemoteUrl(new URL(res.headers.location, url).href, ctx.allowHttp, "redirect");
      continue;
    }
    if (status === 200 || status === 304) return { res, url };
    res.resume();
    const where = displayUrl(url);
    if (status === 401 || status === 403) {
      throw new PluginSourceError(`${where} refused the configured credentials (HTTP ${status}); check the authentication settings`, "auth");
    }
    if (status === 404 || status === 410) throw new PluginSourceError(`${where} has no archive (HTTP ${status})`, "not_found");
    throw new PluginSourceError(`${where} answered HTTP ${status}`, "network");
  }
}

function request(url: URL, headers: Record<string, string>, agent: http.Agent, connectTimeoutMs: number, signal: AbortSignal) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.request(url, { method: "GET", headers, agent, signal, timeout: connectTimeoutMs }, resolve);
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${connectTimeoutMs} ms`), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/** Streams a 200 response's body to `file`, counting it against the budget; returns its sha256 and size. */
export async function saveBody(res: http.IncomingMessage, file: string, budget: Budget, op: Operation): Promise<{ sha256: string; bytes: number }> {
  const tap = meteredHash((n) => budget.addBytes(n));
  await op.race(pipeline(res, tap, createWriteStream(file, { flags: "wx" }), { signal: op.signal }));
  const { sha256, size } = tap.result();
  return { sha256, bytes: size };
}

/** A PluginSourceError for what went wrong talking to the server (secrets cut from the text). */
export function mapHttpError(e: unknown, settings: Settings, secret: Secret): PluginSourceError {
  const detail = redact(errorMessage(e), [secret.token, secret.password]);
  const kind = networkErrorKind(e);
  const where = displayUrl(new URL(settings.url));
  if (kind) return new PluginSourceError(`${kind === "timeout" ? "timed out" : "network error"} reaching ${where}: ${detail}`, kind);
  return new PluginSourceError(`downloading ${where} failed: ${detail}`, "network");
}
