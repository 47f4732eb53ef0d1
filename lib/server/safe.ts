import "server-only";
import type { z } from "zod";
import { toFieldErrors, type FieldErrors } from "../validations/issues";
import { requireUser, type SessionUser } from "./auth/current-user";
import { ExpectedError } from "./errors";
import { requestTranslator } from "./locale";
import { logger } from "../log";
import { markDatabaseDown } from "../db/health";
import { databaseProblem } from "../db/unavailable";

/** What every server action returns: data, or a status + translated message + field errors. */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; error: string; fieldErrors: FieldErrors };

/** Who may call: admins; any signed-in user; "account": any signed-in user, also one who must first change the password. */
type Role = "admin" | "member" | "account" | "public";
type Schema = z.ZodType | (() => z.ZodType);

/**
 * The shared core of server actions and route handlers: check the role on the server, parse the input with the
 * operation's zod schema, run it, and turn every failure into a status + translated message + field errors.
 * Unexpected errors are logged (message only; inputs may hold secrets) and answered with a generic message.
 */
export async function runSafely<S extends Schema, T>(
  role: Role,
  schema: S,
  /** The input, or a function reading it (called after the role check, so anonymous callers learn nothing). */
  raw: unknown | (() => Promise<unknown>),
  handler: (input: z.output<S extends () => infer R ? R : S>, user: SessionUser | null) => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    const user = role === "public" ? null : await requireUser(role === "account" ? "member" : role, { passwordChange: role === "account" });
    const zschema = (typeof schema === "function" ? (schema as () => z.ZodType)() : schema) as z.ZodType;
    const input = typeof raw === "function" ? await (raw as () => Promise<unknown>)() : raw;
    // PostgreSQL cannot store U+0000 in text or jsonb: refused here for every input, not as a database error.
    if (hasNul(input)) throw new ExpectedError(400, "errors.nulCharacter");
    const parsed = zschema.safeParse(input);
    if (!parsed.success) {
      // Only failures are translated: a successful call never needs the catalog.
      const t = await requestTranslator();
      const fieldErrors = toFieldErrors(parsed.error, (key, values) => t(`validation.${key}` as never, values as never));
      return { ok: false, status: 422, error: t("validation.fields"), fieldErrors };
    }
    return { ok: true, data: await handler(parsed.data as never, user) };
  } catch (err) {
    return failure(err);
  }
}

/**
 * An error as a result: an ExpectedError with its status, translated message and field errors; a database that
 * is unreachable or unmigrated → 503; anything else is logged (message only; inputs may hold secrets) and
 * answered 500 with a generic message.
 */
export async function failure(err: unknown): Promise<{ ok: false; status: number; error: string; fieldErrors: FieldErrors }> {
  const t = await requestTranslator();
  if (err instanceof ExpectedError) {
    const fieldErrors: FieldErrors = {};
    for (const [field, [key, values]] of Object.entries(err.fields)) fieldErrors[field] = t(key as never, values as never);
    return { ok: false, status: err.status, error: t(err.key as never, err.values as never), fieldErrors };
  }
  const problem = databaseProblem(err);
  if (problem) {
    // Not a bug here: the database is gone or not migrated. Pages follow the mark to the 503 page (proxy.ts).
    markDatabaseDown(problem);
    logger.warn(`database ${problem === "unreachable" ? "unreachable" : "not migrated"}: ${(err as Error).message.split("\n").filter(Boolean).at(-1)}`);
    return { ok: false, status: 503, error: t(problem === "unreachable" ? "errors.dbUnreachable" : "errors.dbNotMigrated"), fieldErrors: {} };
  }
  logger.error({ err }, "unexpected error in a server action or route handler");
  return { ok: false, status: 500, error: t("errors.generic"), fieldErrors: {} };
}

/** Whether any string or key in a JSON-like value holds U+0000. */
function hasNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(hasNul);
  if (typeof value === "object" && value !== null) return Object.entries(value).some(([k, v]) => k.includes("\u0000") || hasNul(v));
  return false;
}

/** Defines a server action for `role`: `export const saveX = action("admin", ZX, async (input, user) => …)`. */
export function action<S extends Schema, T>(
  role: Role,
  schema: S,
  handler: (input: z.output<S extends () => infer R ? R : S>, user: SessionUser) => Promise<T>,
): (raw: unknown) => Promise<ActionResult<T>> {
  return (raw) => runSafely(role, schema, raw, (input, user) => handler(input, user as SessionUser));
}
