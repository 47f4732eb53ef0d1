import "server-only";
import { Prisma } from "@prisma/client";
import type { FieldErrors } from "../validations/issues";

/**
 * An error the user should see: a catalog key (+ values) and an HTTP status. Anything else thrown in a server
 * action or route handler is logged and answered with a generic message.
 */
export class ExpectedError extends Error {
  constructor(
    readonly status: number,
    readonly key: string,
    readonly values: Record<string, string | number> = {},
    /** Field errors as catalog keys (translated at the edge), e.g. { name: ["errors.nameTaken", {name}] }. */
    readonly fields: Record<string, [string, Record<string, string | number>?]> = {},
  ) {
    super(key);
    this.name = "ExpectedError";
  }
}

export const unauthorized = () => new ExpectedError(401, "errors.unauthorized");
export const forbidden = () => new ExpectedError(403, "errors.forbidden");
export const notFound = () => new ExpectedError(404, "errors.notFound");

/** A 422 with one field error, e.g. a name clash found by the database. */
export const fieldError = (field: string, key: string, values: Record<string, string | number> = {}) =>
  new ExpectedError(422, "validation.fields", {}, { [field]: [key, values] });

export type { FieldErrors };

/**
 * A unique-constraint violation: Prisma's P2002 (PostgreSQL adapter), or the driver error with SQLSTATE 23505 that
 * the PGlite adapter throws without mapping it.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return true;
  const cause = (err as { cause?: { code?: string; originalCode?: string } })?.cause;
  return cause?.code === "23505" || cause?.originalCode === "23505";
}
