/**
 * The response headers of every page, set by proxy.ts (the static ones are in next.config.js). No imports: the
 * proxy bundle uses this.
 */

/** A fresh nonce for one response: 128 random bits, base64. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * Content-Security-Policy for a page: scripts and styles only from this origin or carrying this response's nonce
 * (Next puts it on its own scripts and inline styles when it finds it in the request's CSP header), and
 * 'strict-dynamic' so the scripts those load may run. Nothing may frame the app, post forms elsewhere or change
 * the base URL. Development adds what `next dev` needs: eval (React's error overlays), inline styles and its HMR
 * websocket.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    // Development: next dev's own overlay and indicator style themselves inline, and a nonce beside
    // 'unsafe-inline' would make browsers ignore it.
    `style-src 'self' ${opts.dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Only where the page itself came over https: on a plain-http intranet it would break every subresource.
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/**
 * HSTS: browsers keep to https for this host for a year. Sent only on responses that came over https (browsers
 * ignore it on http anyway); no includeSubDomains or preload, which are decisions about the whole domain.
 */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

/**
 * Whether the browser reached us over https. `next start` speaks plain http only, so https means a TLS-terminating
 * proxy in front, and its X-Forwarded-Proto says so — believed only with TRUST_PROXY=1, since any client can send
 * the header (Next itself derives the request URL's scheme from it too, so that is no better).
 */
export function servedOverHttps(headers: Headers, trustProxy: boolean): boolean {
  return trustProxy && headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}
