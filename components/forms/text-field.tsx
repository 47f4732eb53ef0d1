"use client";

import type { ComponentProps } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Field, fieldDescribedBy, Input } from "@/components/ui";

/** A labelled input bound to react-hook-form, with hint and error wired for screen readers. */
export function TextField({
  id,
  label,
  hint,
  error,
  registration,
  fieldClassName,
  ...input
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  registration: UseFormRegisterReturn;
  /** Classes of the labelled field as a whole (its place in a grid); `className` styles the input. */
  fieldClassName?: string;
} & Omit<ComponentProps<"input">, "id">) {
  return (
    <Field label={label} htmlFor={id} hint={hint} error={error} className={fieldClassName}>
      <Input id={id} aria-invalid={error ? true : undefined} aria-describedby={fieldDescribedBy(id, { hint, error })} {...input} {...registration} />
    </Field>
  );
}
