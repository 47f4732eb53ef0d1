import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { logger, withLogContext } from "../log";
import { recordHttpRequest } from "../metrics";
import { failure, runSafely, type ActionResult } from "./safe";
import { ExpectedError, notFound } from "./errors";
import { trustProxy } from "../env";
import { isCrossOrigin, isJsonRequest, isStateChanging } from "../http/same-origin";
import type { SessionUser } from "./auth/current-user";
import { hasSyncToken } from "./sync/sync-token";
import { readJsonBody } from "./http/read-body";

/** The schema of a route without a body, made once (not per request). */
const NO_BODY = z.unknown();

type Ctx = { params: Promise<Record<string, string>> };
type Handler<S extends z.ZodType, T> = (args: {
  input: z.output<S>;
  user: SessionUser;
  params: Record<string, string>;
  request: Request;
}) => Promise<T>;

/**
 * Wraps a route handler: state-changing requests only from this origin and as JSON (CSRF), role check on every
 * call, JSON body (size-capped while read, malformed → 400) parsed with the zod schema (422 + field errors),
 * expected errors with their status, others → 500 with a generic message.
 */
export function withRole<S extends z.ZodType, T>(
  role: "admin" | "member" | "account",
  opts: { body?: S | (() => S); status?: number },
  handler: Handler<S, T>,
) {
  return observed(async (request: Request, ctx: Ctx): Promise<Response> => {
    const params = ctx?.params ? await ctx.params : {};
    // An id with control characters (a decoded %00) or of absurd length names nothing: 404 before any query.
    if (Object.values(params).some((v) => typeof v === "string" && (v.length > 256 || /[\u0000-\u001f\u007f]/.test(v)))) {
      return respond(await failure(notFound()));
    }
    const refused = csrfRefusal(request);
    if (refused) return respond(await failure(refused));
    const result: ActionResult<T> = await runSafely(role, opts.body ?? NO_BODY, () => readBody(request, Boolean(opts.body)), (input, user) =>
      handler({ input: input as z.output<S>, user: user as SessionUser, params, request }),
    );
    return respond(result, opts.status);
  });
}

/**
 * Like withRole("admin"), but a request with `Authorization: Bearer $SYNC_TOKEN` is let in too (automation
 * without a session). The handler learns which door was used.
 */
export function withRoleOrToken<S extends z.ZodType, T>(
  opts: { body: S; status?: number },
  handler: (args: { input: z.output<S>; actor: string; isToken: boolean; request: Request }) => Promise<T>,
) {
  return observed(async (request: Request): Promise<Response> => {
    const isToken = hasSyncToken(request);
    // A bearer token is no cookie: a page on another origin cannot make a browser send it.
    const refused = isToken ? null : csrfRefusal(request);
    if (refused) return respond(await failure(refused));
    const result: ActionResult<T> = await runSafely(isToken ? "public" : "admin", opts.body, () => readBody(request, true), (input, user) =>
      handler({ input: input as z.output<S>, actor: isToken ? "api-token" : user!.username, isToken, request }),
    );
    return respond(result, opts.status);
  });
}

/**
 * Wraps any route handler: a request id (the caller's `X-Request-Id` when it looks like one, else a new UUID) on
 * every log line written while handling it — work it starts, such as a sync run, keeps it — and in the response;
 * the time taken, recorded in `opsflow_http_request_duration_seconds` by route pattern, method and status.
 */
export function observed<C extends Ctx | undefined>(handler: (request: Request, ctx: C) => Promise<Response>) {
  return async (request: Request, ctx: C): Promise<Response> => {
    const started = performance.now();
    const given = request.headers.get("x-request-id");
    const requestId = given && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    let status = 500;
    let route = "unknown";
    try {
      route = routePattern(request, ctx?.params ? await ctx.params : {});
      const response = await withLogContext({ requestId }, () => handler(request, ctx));
      status = response.status;
      try {
        response.headers.set("x-request-id", requestId);
      } catch {
        // Immutable headers (a redirect): leave them.
      }
      return response;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      recordHttpRequest(route, request.method, status, seconds);
      logger.debug({ requestId, method: request.method, route, status, ms: Math.round(seconds * 1000) }, "request");
    }
  };
}

/**
 * The route's path pattern for metric labels: the request path with each dynamic segment replaced by its param
 * name (`/api/sources/ck…` → `/api/sources/[id]`), so ids never become label values.
 */
export function routePattern(request: Request, params: Record<string, string | string[]>): string {
  const pending = Object.entries(params).map(([name, value]) => ({ name, values: Array.isArray(value) ? value : [value] }));
  const segments = new URL(request.url).pathname.split("/");
  // Dynamic segments come after the static ones they follow: match from the end, each param once.
  for (let i = segments.length - 1; i > 0 && pending.length; i--) {
    let decoded = segments[i];
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      // keep it raw
    }
    const p = pending.findLastIndex((x) => x.values.at(-1) === decoded);
    if (p < 0) continue;
    const { name, values } = pending[p];
    if (values.length > 1) {
      // A catch-all: its segments collapse into one.
      segments.splice(i - values.length + 1, values.length, `[...${name}]`);
      i -= values.length - 1;
    } else {
      segments[i] = values.length === 1 && Array.isArray(params[name]) ? `[...${name}]` : `[${name}]`;
    }
    pending.splice(p, 1);
  }
  return segments.join("/").replace(/(.)\/$/, "$1");
}

/**
 * Why a cookie-authenticated request that changes something is refused, if it is (lib/http/same-origin.ts): it
 * came from a page of another origin (403), or its body is not declared JSON (415; also without a body).
 */
function csrfRefusal(request: Request): ExpectedError | null {
  if (!isStateChanging(request.method)) return null;
  if (isCrossOrigin(request.headers, trustProxy())) return new ExpectedError(403, "errors.crossOrigin");
  if (!isJsonRequest(request.headers)) return new ExpectedError(415, "errors.jsonRequired");
  return null;
}

/** The JSON body when the route takes one (size-capped while read: 413; malformed → 400). */
function readBody(request: Request, wanted: boolean): Promise<unknown> {
  return wanted ? readJsonBody(request) : Promise.resolve(undefined);
}

export function respond<T>(result: ActionResult<T>, okStatus = 200): Response {
  // A handler may answer with its own Response (pre-serialised bodies, 304s).
  if (result.ok && result.data instanceof Response) return result.data;
  if (result.ok) return Response.json(result.data ?? null, { status: okStatus });
  const body = Object.keys(result.fieldErrors).length ? { error: result.error, fieldErrors: result.fieldErrors } : { error: result.error };
  return Response.json(body, { status: result.status });
}
