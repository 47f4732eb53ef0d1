import { NextResponse, type NextRequest } from "next/server";
import { isDatabaseMarkedDown } from "./lib/db/health";
import { trustProxy } from "./lib/env";
import { NONCE_HEADER, PATH_HEADER } from "./lib/http/request-headers";
import { isCrossOrigin, isStateChanging } from "./lib/http/same-origin";
import { contentSecurityPolicy, newNonce, servedOverHttps, STRICT_TRANSPORT_SECURITY } from "./lib/http/security-headers";
import { serverActionBodyProblem } from "./lib/http/server-action-body";

/**
 * Runs before every page (and before API paths with a percent sign, see `config`):
 * 1. a path that does not decode (`/sources/%E0%A4%A`) → 400, where Next itself would answer 500;
 * 2. pages: a state-changing request from another origin (a forged form post, a server action) → 403, where Next
 *    would answer 500; a server action whose body cannot be decoded → 400 (Next: 500);
 * 3. pages while the database is known to be down → the 503 page (app/unavailable/route.ts);
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
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });
  const headers = new Headers(request.headers);
  // Next reads the nonce from the request's CSP header and puts it on its scripts; pages read x-nonce.
  headers.set("content-security-policy", csp);
  headers.set(NONCE_HEADER, nonce);
  headers.set(PATH_HEADER, `${pathname}${search}`);

  const down = isDatabaseMarkedDown() && (request.method === "GET" || request.method === "HEAD");
  const response = down
    ? NextResponse.rewrite(new URL("/unavailable", request.url), { request: { headers } })
    : NextResponse.next({ request: { headers } });
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
