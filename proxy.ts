import { NextResponse, type NextRequest } from "next/server";
import { databaseMarkedDown } from "./lib/db/health";
import { env, trustProxy } from "./lib/env";
import { PATH_HEADER } from "./lib/http/request-headers";
import { isCrossOrigin, isStateChanging } from "./lib/http/same-origin";
import { contentSecurityPolicy, newNonce, servedOverHttps, STRICT_TRANSPORT_SECURITY } from "./lib/http/security-headers";
import { serverActionBodyProblem } from "./lib/http/server-action-body";
import { unavailablePage } from "./lib/http/unavailable-page";
import { LOCALE_COOKIE, resolveLocale } from "./lib/i18n/config";

/**
 * Runs before every page (and before API paths with a percent sign, see `config`):
 * 1. a path that does not decode (`/sources/%E0%A4%A`) → 400, where Next itself would answer 500;
 * 2. pages: a state-changing request from another origin (a forged form post, a server action) → 403, where Next
 *    would answer 500; a server action whose body cannot be decoded → 400 (Next: 500);
 * 3. pages while the database was just seen down → the 503 page (lib/http/unavailable-page.ts);
 * 4. every page gets a fresh CSP nonce, HSTS over https, and its own path for the page guard.
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const { pathname, search } = request.nextUrl;
  const api = pathname.startsWith("/api/");
  if (!decodes(pathname)) {
    return api ? Response.json({ error: "Malformed URL: the path is not valid percent-encoded UTF-8." }, { status: 400 }) : plain(400, "Bad Request: the path is not valid percent-encoded UTF-8.");
  }
  if (api) return NextResponse.next();

  if (isStateChanging(request.method)) {
    if (isCrossOrigin(request.headers, trustProxy())) return plain(403, "Forbidden: this request was sent by a page of another site.");
    if (request.headers.has("next-action")) {
      const problem = await serverActionBodyProblem(request);
      if (problem) return plain(400, `Bad Request: ${problem}`);
    }
  }

  const https = servedOverHttps(request.headers, trustProxy());
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, { dev: env.isDevelopment(), https });
  const headers = new Headers(request.headers);
  // Next reads the nonce from the request's CSP header and puts it on its scripts and styles.
  headers.set("content-security-policy", csp);
  headers.set(PATH_HEADER, `${pathname}${search}`);

  const down = request.method === "GET" || request.method === "HEAD" ? databaseMarkedDown() : null;
  if (down) {
    // Answered here rather than by rewriting to a route: Next serves a rewrite whose URL does not match its own
    // idea of the origin (`-H 127.0.0.1`, X-Forwarded-Proto) by proxying it over HTTP, which failed with a 500.
    const locale = resolveLocale(request.cookies.get(LOCALE_COOKIE)?.value, request.headers.get("accept-language"));
    const html = unavailablePage({ locale, nonce, problem: down, path: `${pathname}${search}` });
    return new Response(request.method === "HEAD" ? null : html, {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "retry-after": "5", "content-security-policy": csp },
    });
  }
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  if (https) response.headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
  return response;
}

/** Whether every percent-escape of the path decodes to UTF-8. */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

const plain = (status: number, text: string) => new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export const config = {
  matcher: [
    // Pages (and their server actions); not Next's static files, nor prefetches (no page is rendered for them).
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
    // API paths only when they hold an escape, for rule 1: the proxy costs every request it runs for, and makes
    // Next buffer request bodies (which route handlers read as streams, with their own limit).
    "/api/(.*%.*)",
  ],
};
