import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import type { Readable } from "node:stream";
import zlib from "node:zlib";
import ipaddr from "ipaddr.js";

/**
 * The egress policy of plugin code: every `ctx.fetch` (and the built-in HTTP request plugin) is performed here, in
 * the server, never by the host. A destination is refused when its address is loopback, private (RFC 1918),
 * carrier-grade NAT, link-local (where cloud metadata services live), unique-local, multicast, reserved or one of
 * this machine's own addresses — unless PLUGIN_EGRESS_ALLOW names its host or a CIDR holding it.
 *
 * The name is resolved once, every address it resolves to is checked, and the connection goes to a checked address
 * (the socket's lookup is answered with it), so a name cannot pass the check and then resolve elsewhere. IP
 * literals in any form (`2130706433`, `0177.0.0.1`, `[::ffff:127.0.0.1]`) are normalised by the URL parser and
 * IPv4-mapped IPv6 is checked as IPv4. Redirects are followed here, each hop checked again. Response bodies are
 * capped after decompression, and every request has a deadline.
 */
export interface EgressPolicy {
  /** Host names let through whatever they resolve to (lower case; "*.example.com" matches sub-domains). */
  allowHosts: string[];
  /** Address ranges let through. */
  allowNets: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  /** Largest response body, after decompression. */
  maxBytes: number;
  /** Deadline of one request, redirects included. */
  timeoutMs: number;
  maxRedirects: number;
  /** Resolves a name to its addresses (default: the system resolver). Tests give their own. */
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export interface EgressRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body: Uint8Array | null;
  redirect?: "follow" | "manual" | "error";
}

export type EgressAnswer =
  | { status: number; statusText: string; headers: [string, string][]; body: Uint8Array; url: string; redirected: boolean; error?: undefined }
  | { error: string };

export const DEFAULT_FETCH_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;

/**
 * Parses PLUGIN_EGRESS_ALLOW: a comma-separated list of host names ("api.example.com", "*.corp.example") and
 * addresses or CIDRs ("10.20.0.0/16", "127.0.0.1", "fd00::/8"). Throws one line naming a bad entry.
 */
export function parseEgressAllow(text: string | undefined): Pick<EgressPolicy, "allowHosts" | "allowNets"> {
  const allowHosts: string[] = [];
  const allowNets: EgressPolicy["allowNets"] = [];
  for (const raw of (text ?? "").split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry.includes("/")) {
      try {
        allowNets.push(ipaddr.parseCIDR(entry));
      } catch {
        throw new Error(`PLUGIN_EGRESS_ALLOW: "${raw.trim()}" is not a valid CIDR`);
      }
    } else if (ipaddr.isValid(entry.replace(/^\[|\]$/g, ""))) {
      const addr = normalise(entry.replace(/^\[|\]$/g, ""));
      allowNets.push([addr, addr.kind() === "ipv4" ? 32 : 128]);
    } else if (/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/.test(entry)) {
      allowHosts.push(entry.replace(/\.$/, ""));
    } else {
      throw new Error(`PLUGIN_EGRESS_ALLOW: "${raw.trim()}" is neither a host name nor an address or CIDR`);
    }
  }
  return { allowHosts, allowNets };
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 address it is. */
function normalise(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private (RFC 1918) address",
  carrierGradeNat: "a carrier-grade NAT address",
  linkLocal: "a link-local address (where cloud metadata services live)",
  uniqueLocal: "a unique local (ULA) address",
  unspecified: "the unspecified address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
};

function hostAllowed(hostname: string, policy: EgressPolicy): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return policy.allowHosts.some((entry) => (entry.startsWith("*.") ? h.endsWith(entry.slice(1)) && h.length > entry.length - 1 : h === entry));
}

/** Why the policy refuses `address`, or null when it may be connected to. `own`: this machine's addresses. */
export function refusal(address: string, policy: Pick<EgressPolicy, "allowNets">, own: Set<string> = ownAddresses()): string | null {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = normalise(address);
  } catch {
    return `${address} is not an address`;
  }
  if (policy.allowNets.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return null;
  const range = addr.range();
  if (range !== "unicast") return `${addr.toString()} is ${RANGE_WORDS[range] ?? `a reserved address (${range})`}`;
  if (own.has(addr.toNormalizedString())) return `${addr.toString()} is an address of this server`;
  return null;
}

let own: { at: number; set: Set<string> } | undefined;
/** This machine's interface addresses, normalised (re-read at most every 30 s). */
export function ownAddresses(): Set<string> {
  if (own && Date.now() - own.at < 30_000) return own.set;
  const set = new Set<string>();
  for (const list of Object.values(os.networkInterfaces())) {
    for (const i of list ?? []) {
      try {
        set.add(normalise(i.address.replace(/%.*$/, "")).toNormalizedString());
      } catch {
        // an address ipaddr does not read: skip
      }
    }
  }
  own = { at: Date.now(), set };
  return set;
}

const systemLookup = async (hostname: string) => dns.promises.lookup(hostname, { all: true, verbatim: true });

class Refused extends Error {}

/** The checked addresses `url`'s host may be connected to (throws Refused with the reason). */
async function resolveChecked(url: URL, policy: EgressPolicy): Promise<{ address: string; family: number }[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) {
    const why = hostAllowed(host, policy) ? null : refusal(host, policy);
    if (why) throw new Refused(why);
    return [{ address: host, family: host.includes(":") ? 6 : 4 }];
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await (policy.lookup ?? systemLookup)(host);
  } catch (e) {
    throw new Error(`cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!addresses.length) throw new Error(`cannot resolve ${host}`);
  if (hostAllowed(host, policy)) return addresses;
  for (const a of addresses) {
    const why = refusal(a.address, policy);
    if (why) throw new Refused(`${host} resolves to ${why.replace(/^(\S+) is /, "$1, ")}`);
  }
  return addresses;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Performs one plugin request under the policy. Never throws: a refusal or a failure is `{ error }`. */
export async function policedFetch(req: EgressRequest, policy: EgressPolicy, signal?: AbortSignal): Promise<EgressAnswer> {
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const abort = signal ? AbortSignal.any([deadline, signal]) : deadline;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { error: "not a valid URL" };
  }
  let method = req.method.toUpperCase();
  let headers = req.headers.filter(([k]) => !/^(host|connection|keep-alive|transfer-encoding|upgrade|proxy-.*|te|trailer)$/i.test(k));
  let body = req.body;
  try {
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") return { error: `${url.protocol} URLs are not allowed (http and https only)` };
      const addresses = await resolveChecked(url, policy);
      const res = await send(url, method, headers, body, addresses, abort);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location && req.redirect !== "manual") {
        res.resume();
        if (req.redirect === "error") return { error: `redirected to ${new URL(location, url).origin} (redirect: "error")` };
        if (hop >= policy.maxRedirects) return { error: `more than ${policy.maxRedirects} redirects` };
        const next = new URL(location, url);
        if (res.statusCode === 303 ? method !== "HEAD" : (res.statusCode === 301 || res.statusCode === 302) && method === "POST") {
          method = "GET";
          body = null;
          headers = headers.filter(([k]) => !/^content-/i.test(k));
        }
        // As fetch does: credentials do not follow a redirect to another origin.
        if (next.origin !== url.origin) headers = headers.filter(([k]) => !/^(authorization|cookie|proxy-authorization)$/i.test(k));
        url = next;
        continue;
      }
      const bytes = await readBody(res, policy.maxBytes, method === "HEAD");
      const outHeaders: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const k = res.rawHeaders[i];
        // The body is handed on decoded: its encoding and length headers no longer describe it.
        if (bytes.decoded && /^(content-encoding|content-length)$/i.test(k)) continue;
        outHeaders.push([k, res.rawHeaders[i + 1]]);
      }
      return { status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: outHeaders, body: bytes.body, url: url.href, redirected: hop > 0 };
    }
  } catch (e) {
    if (e instanceof Refused) return { error: `refused by the egress policy: ${e.message} (PLUGIN_EGRESS_ALLOW lets it through)` };
    if (deadline.aborted) return { error: `no complete response within ${policy.timeoutMs} ms` };
    if (signal?.aborted) return { error: "aborted" };
    const err = e as NodeJS.ErrnoException;
    return { error: `${url.origin}: ${err.code ? `${err.code} ` : ""}${err.message}`.trim() };
  }
}

function send(url: URL, method: string, headers: [string, string][], body: Uint8Array | null, addresses: { address: string; family: number }[], signal: AbortSignal) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const lookup = (_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (options?.all) cb(null, addresses);
      else cb(null, addresses[0].address, addresses[0].family);
    };
    const lib = url.protocol === "https:" ? https : http;
    const request = lib.request(url, { method, headers: Object.fromEntries(groupHeaders(headers)), lookup: lookup as never, agent: false, signal });
    request.on("response", resolve);
    request.on("error", reject);
    request.end(body ? Buffer.from(body) : undefined);
  });
}

/** Header pairs as Node's request takes them (a repeated name as a list). */
function groupHeaders(pairs: [string, string][]): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    const had = out.get(key);
    out.set(key, had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v]);
  }
  return out;
}

/** The body, decoded per Content-Encoding (gzip, deflate, br), refused once it passes `max` bytes decoded. */
async function readBody(res: http.IncomingMessage, max: number, head: boolean): Promise<{ body: Uint8Array; decoded: boolean }> {
  if (head) {
    res.resume();
    return { body: new Uint8Array(0), decoded: false };
  }
  const encoding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? zlib.createGunzip() : encoding === "deflate" ? zlib.createInflate() : encoding === "br" ? zlib.createBrotliDecompress() : null;
  const stream: Readable = decoder ? res.pipe(decoder) : res;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      res.destroy();
      decoder?.destroy();
      throw new Error(`the response body is over ${max} bytes (PLUGIN_FETCH_MAX_BYTES)`);
    }
    chunks.push(chunk as Buffer);
  }
  const all = Buffer.concat(chunks);
  return { body: new Uint8Array(all.buffer, all.byteOffset, all.length), decoded: decoder !== null };
}
