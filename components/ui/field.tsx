import type { ReactNode } from "react";
import { cn } from "./cn";

export type FieldProps = {
  label: ReactNode;
  htmlFor: string;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: ReactNode;
};

/** ids the control should reference via aria-describedby */
export function fieldDescribedBy(htmlFor: string, opts: { hint?: unknown; error?: unknown }) {
  const ids = [opts.hint ? `${htmlFor}-hint` : null, opts.error ? `${htmlFor}-error` : null];
  return ids.filter(Boolean).join(" ") || undefined;
}

export function Field({ label, htmlFor, hint, error, className, children }: FieldProps) {
  return (
    <div className={cn("space-y-1.5", className)}>
      <label htmlFor={htmlFor} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${htmlFor}-hint`} className="text-sm text-zinc-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${htmlFor}-error`} role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
