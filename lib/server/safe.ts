import "server-only";
import type { z } from "zod";
import { toFieldErrors, type FieldErrors } from "../validations/issues";
import { requireUser, type SessionUser } from "./auth/current-user";
import { ExpectedError } from "./errors";
import { requestTranslator } from "./locale";
import { logger } from "../log";

/** What every server action returns: data, or a status + translated message + field errors. */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; error: string; fieldErrors: FieldErrors };

type Role = "admin" | "member" | "public";
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
  // Only failures are translated: a successful call never needs the catalog.
  const translate = requestTranslator;
  try {
    const user = role === "public" ? null : await requireUser(role);
    const zschema = (typeof schema === "function" ? (schema as () => z.ZodType)() : schema) as z.ZodType;
    const parsed = zschema.safeParse(typeof raw === "function" ? await (raw as () => Promise<unknown>)() : raw);
    if (!parsed.success) {
      const t = await translate();
      const fieldErrors = toFieldErrors(parsed.error, (key, values) => t(`validation.${key}` as never, values as never));
      return { ok: false, status: 422, error: t("validation.invalid"), fieldErrors };
    }
    return { ok: true, data: await handler(parsed.data as never, user) };
  } catch (err) {
    if (err instanceof ExpectedError) {
      const t = await translate();
      const fieldErrors: FieldErrors = {};
      for (const [field, [key, values]] of Object.entries(err.fields)) fieldErrors[field] = t(key as never, values as never);
      return { ok: false, status: err.status, error: t(err.key as never, err.values as never), fieldErrors };
    }
    logger.error({ err }, "unexpected error in a server action or route handler");
    return { ok: false, status: 500, error: (await translate())("errors.generic"), fieldErrors: {} };
  }
}

/** Defines a server action for `role`: `export const saveX = action("admin", ZX, async (input, user) => …)`. */
export function action<S extends Schema, T>(
  role: Role,
  schema: S,
  handler: (input: z.output<S extends () => infer R ? R : S>, user: SessionUser) => Promise<T>,
): (raw: unknown) => Promise<ActionResult<T>> {
  return (raw) => runSafely(role, schema, raw, (input, user) => handler(input, user as SessionUser));
}
