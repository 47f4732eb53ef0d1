"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { FieldErrors as RhfErrors, FieldValues, Path, Resolver, UseFormReturn, UseFormSetError } from "react-hook-form";
import type { z } from "zod";
import type { ActionResult } from "@/lib/server/safe";
import { toFieldErrors, type FieldErrors } from "@/lib/validations/issues";

/** Dotted paths ("pluginSets.0.submodule") → the nested error object react-hook-form reads. */
function nest(flat: FieldErrors): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(flat)) {
    const keys = path ? path.split(".") : ["root"];
    let node: Record<string, unknown> = root;
    keys.slice(0, -1).forEach((k) => (node = (node[k] ??= {}) as Record<string, unknown>));
    node[keys[keys.length - 1]] = { type: "validation", message };
  }
  return root;
}

/**
 * A react-hook-form resolver for one of the shared zod schemas, translating each issue like the server does
 * (same keys, same {max}), so the browser shows exactly the message the server action would return.
 * `prepare` narrows the values before parsing (e.g. dropping the fields of kinds not selected).
 */
export function useZodResolver<T extends FieldValues>(schema: z.ZodType, prepare: (v: T) => unknown = (v) => v): Resolver<T> {
  const t = useTranslations("validation");
  return async (values) => {
    const parsed = schema.safeParse(prepare(values));
    if (parsed.success) return { values, errors: {} };
    const flat = toFieldErrors(parsed.error, (key, v) => (t.has(key as never) ? t(key as never, v as never) : key));
    return { values: {}, errors: nest(flat) as RhfErrors<T> };
  };
}

/** Puts the server's field errors on the form; returns true if any field error matched. */
export function applyServerErrors<T extends FieldValues>(setError: UseFormSetError<T>, fieldErrors: FieldErrors): boolean {
  const entries = Object.entries(fieldErrors);
  for (const [path, message] of entries) setError((path || "root") as Path<T>, { type: "server", message });
  return entries.length > 0;
}

/** The message at a dotted path of react-hook-form's nested errors. */
export function errorAt(errors: unknown, path: string): string | undefined {
  const node = path.split(".").reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], errors);
  return (node as { message?: string } | undefined)?.message;
}

/**
 * The submit of a form that creates something (a user, a signing key): on success the form is cleared, the message
 * says what was made and the page is refreshed; on a refusal the server's field errors go to their fields and its
 * message above them.
 */
export function useCreateSubmit<T extends FieldValues, D>(form: UseFormReturn<T>, create: (values: T) => Promise<ActionResult<D>>, created: (data: D) => string) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string }>();
  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(undefined);
    const result = await create(values);
    if (result.ok) {
      form.reset();
      setMessage({ tone: "success", text: created(result.data) });
      router.refresh();
    } else {
      applyServerErrors(form.setError, result.fieldErrors);
      setMessage({ tone: "error", text: result.error });
    }
  });
  return { message, onSubmit };
}
