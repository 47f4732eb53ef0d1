import "server-only";
import { z } from "zod";
import { runSafely, type ActionResult } from "./safe";
import { ExpectedError } from "./errors";
import type { SessionUser } from "./auth/current-user";
import { hasSyncToken } from "./sync/sync-token";

const MAX_BODY = 256 * 1024;

type Ctx = { params: Promise<Record<string, string>> };
type Handler<S extends z.ZodType, T> = (args: {
  input: z.output<S>;
  user: SessionUser;
  params: Record<string, string>;
  request: Request;
}) => Promise<T>;

/**
 * Wraps a route handler: role check on every call, JSON body (size-capped, malformed → 400) parsed with the
 * zod schema (422 + field errors), expected errors with their status, others → 500 with a generic message.
 */
export function withRole<S extends z.ZodType, T>(
  role: "admin" | "member",
  opts: { body?: S | (() => S); status?: number },
  handler: Handler<S, T>,
) {
  return async (request: Request, ctx: Ctx): Promise<Response> => {
    const params = ctx?.params ? await ctx.params : {};
    const result: ActionResult<T> = await runSafely(role, opts.body ?? z.unknown(), () => readBody(request, Boolean(opts.body)), (input, user) =>
      handler({ input: input as z.output<S>, user: user as SessionUser, params, request }),
    );
    return respond(result, opts.status);
  };
}

/**
 * Like withRole("admin"), but a request with `Authorization: Bearer $SYNC_TOKEN` is let in too (automation
 * without a session). The handler learns which door was used.
 */
export function withRoleOrToken<S extends z.ZodType, T>(
  opts: { body: S; status?: number },
  handler: (args: { input: z.output<S>; actor: string; isToken: boolean; request: Request }) => Promise<T>,
) {
  return async (request: Request): Promise<Response> => {
    const isToken = hasSyncToken(request);
    const result: ActionResult<T> = await runSafely(isToken ? "public" : "admin", opts.body, () => readBody(request, true), (input, user) =>
      handler({ input: input as z.output<S>, actor: isToken ? "api-token" : user!.username, isToken, request }),
    );
    return respond(result, opts.status);
  };
}

/** The JSON body, size-capped in bytes (413) and parsed (malformed → 400). */
async function readBody(request: Request, wanted: boolean): Promise<unknown> {
  if (!wanted) return undefined;
  if (Number(request.headers.get("content-length")) > MAX_BODY) throw new ExpectedError(413, "errors.tooLarge");
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY) throw new ExpectedError(413, "errors.tooLarge");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ExpectedError(400, "errors.malformedJson");
  }
}

function respond<T>(result: ActionResult<T>, okStatus = 200): Response {
  if (result.ok) return Response.json(result.data ?? null, { status: okStatus });
  const body = Object.keys(result.fieldErrors).length ? { error: result.error, fieldErrors: result.fieldErrors } : { error: result.error };
  return Response.json(body, { status: result.status });
}
