import "server-only";
import type { z } from "zod";
import { issueKey } from "../validations/issues";
import { ExpectedError } from "./errors";

/**
 * A GET route's query string parsed with a zod schema: a bad value is the same 422 `{ error, fieldErrors }` as a
 * bad body (messages are catalog keys under "validation."), never a silently ignored filter.
 */
export function parseQuery<S extends z.ZodType>(schema: S, request: Request): z.output<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const fields: Record<string, [string, Record<string, string | number>]> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join(".");
    if (!(key in fields)) fields[key] = [`validation.${issueKey(issue)}`, {}];
  }
  throw new ExpectedError(422, "validation.fields", {}, fields);
}
