/**
 * Cross-site request forgery: a page on another origin makes the admin's browser send a request with the admin's
 * cookie. SameSite=Lax does not stop it when that page is on another port or a sibling subdomain (the same
 * "site"). So every state-changing request a cookie authenticates must come from this origin, as the browser
 * itself reports it:
 *
 * - `Sec-Fetch-Site` (every current browser sends it): only `same-origin`, or `none` (typed into the address bar,
 *   which cannot carry a body), passes;
 * - `Origin` (sent with every cross-origin POST, older browsers too): its host must be the one the request was
 *   sent to — the Host header, or with TRUST_PROXY=1 the proxy's X-Forwarded-Host.
 *
 * When a header is present it must pass; a request with neither comes from a client that is not a browser (curl,
 * a script holding a cookie), which no other site can drive. Route handlers also require `application/json`, a
 * content type no cross-site form can send and no cross-site fetch can send without a CORS preflight, which this
 * app never grants. No imports: proxy.ts uses this too.
 */

/** Methods that change nothing (RFC 9110's safe methods): never refused. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Whether a request was sent by a page of another origin (see above). `trustProxy`: TRUST_PROXY=1. */
export function isCrossOrigin(headers: Headers, trustProxy: boolean): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return true;
  const origin = headers.get("origin");
  if (origin === null) return false;
  let host: string;
  try {
    // "null" (sandboxed frames, file: pages, cross-origin redirects) does not parse: never ours.
    host = new URL(origin).host.toLowerCase();
  } catch {
    return true;
  }
  const forwarded = trustProxy ? headers.get("x-forwarded-host")?.split(",")[0]?.trim().toLowerCase() : undefined;
  const own = forwarded || headers.get("host")?.toLowerCase();
  return !own || host !== own;
}

/** Whether the request says its body is JSON (`application/json`, any parameters). */
export function isJsonRequest(headers: Headers): boolean {
  return /^application\/json\s*(;|$)/i.test(headers.get("content-type") ?? "");
}
