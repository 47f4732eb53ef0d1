import "server-only";
import { z } from "zod";
import { runSafely, type ActionResult } from "./safe";
import { ExpectedError } from "./errors";
import type { SessionUser } from "./auth/current-user";

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
    const readBody = async () => {
      if (!opts.body) return undefined;
      if (Number(request.headers.get("content-length")) > MAX_BODY) throw new ExpectedError(413, "errors.tooLarge");
      const text = await request.text();
      if (Buffer.byteLength(text) > MAX_BODY) throw new ExpectedError(413, "errors.tooLarge");
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ExpectedError(400, "errors.malformedJson");
      }
    };
    const result: ActionResult<T> = await runSafely(role, opts.body ?? z.unknown(), readBody, (input, user) =>
      handler({ input: input as z.output<S>, user: user as SessionUser, params, request }),
    );
    if (result.ok) return Response.json(result.data ?? null, { status: opts.status ?? 200 });
    const body = Object.keys(result.fieldErrors).length
      ? { error: result.error, fieldErrors: result.fieldErrors }
      : { error: result.error };
    return Response.json(body, { status: result.status });
  };
}
