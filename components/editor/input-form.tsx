"use client";

import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { useForm, type FieldErrors as RhfErrors, type Resolver } from "react-hook-form";
import { Checkbox, Field, Input, Select, Textarea, fieldDescribedBy } from "@/components/ui";
import { pluginText } from "@/components/sources/source-preview";
import { useCredentialOptions } from "@/components/credentials/use-credential-options";
import { isCredentialRef } from "@/lib/processes/credential-ref";
import { validateInputs, type InputField } from "@/lib/processes/input-schema";
import { referenceText } from "@/lib/processes/templates";
import { toFormValues, toStored, type FormValues } from "./form-values";
import { ReferenceChips } from "./reference-chips";
import { UpstreamOutputs } from "./upstream-outputs";

/** An upstream node whose outputs the form offers as references. */
export interface ReferenceSource {
  nodeId: string;
  title: string;
  outputs: { key: string; label: string }[];
  /** Its outputs from the last run or test where it succeeded, if any. */
  last?: Record<string, unknown> | null;
}

/** Field types a reference can be inserted into (text is appended to; the others are replaced). */
const REFERABLE = new Set<InputField["type"]>(["text", "textarea", "number", "json"]);

/**
 * The form of a plugin node, generated from the plugin's input definitions and checked with the same schema the
 * server uses (`validateInputs`, "save" rules: valid values or references). Every change goes to the node at
 * once (`onChange` with the stored values); errors show once a field is left, or all at once after a save that
 * found them (`showErrors`), or as the server sent them (`serverErrors`).
 */
export function InputForm({
  nodeId,
  fields,
  inputs,
  onChange,
  references,
  showErrors,
  serverErrors,
  locale,
}: {
  nodeId: string;
  fields: readonly InputField[];
  inputs: Record<string, unknown>;
  onChange: (inputs: Record<string, unknown>) => void;
  references: ReferenceSource[];
  showErrors: number;
  serverErrors?: Record<string, string>;
  locale: string;
}) {
  const t = useTranslations("editor");
  const credentials = useCredentialOptions();
  const resolver = useMemo<Resolver<FormValues>>(
    () => async (values) => {
      const checked = validateInputs(fields, toStored(fields, values), "save");
      if (checked.ok) return { values, errors: {} };
      const errors: Record<string, { type: string; message: string }> = {};
      for (const [key, e] of Object.entries(checked.errors)) errors[key] = { type: "validation", message: t(`inputErrors.${e.key}` as never, (e.values ?? {}) as never) };
      return { values: {}, errors: errors as RhfErrors<FormValues> };
    },
    [fields, t],
  );
  const { register, subscribe, trigger, setValue, getValues, setError, formState } = useForm<FormValues>({
    defaultValues: toFormValues(fields, inputs),
    resolver,
    mode: "onTouched",
  });

  // Other form-state updates (touched, errors) reach the subscriber too: only a change of value is an edit.
  const [initial] = useState(() => JSON.stringify(toStored(fields, toFormValues(fields, inputs))));
  const last = useRef(initial);
  useEffect(
    () =>
      subscribe({
        formState: { values: true },
        callback: ({ values }) => {
          const stored = toStored(fields, values);
          const json = JSON.stringify(stored);
          if (json === last.current) return;
          last.current = json;
          onChange(stored);
        },
      }),
    [subscribe, fields, onChange],
  );

  useEffect(() => {
    if (showErrors) void trigger();
  }, [showErrors, trigger]);

  useEffect(() => {
    for (const [key, message] of Object.entries(serverErrors ?? {})) setError(key, { type: "server", message });
  }, [serverErrors, setError]);

  const insert = (f: InputField, ref: string) => {
    const now = getValues(f.key);
    const next = f.type === "text" || f.type === "textarea" ? `${typeof now === "string" ? now : ""}${ref}` : ref;
    setValue(f.key, next, { shouldDirty: true, shouldTouch: true, shouldValidate: true });
  };

  // The input an upstream output clicked goes into: the one last focused that takes a reference, else the first.
  const referable = fields.filter((f) => REFERABLE.has(f.type));
  const [targetKey, setTargetKey] = useState<string>();
  const target = referable.find((f) => f.key === targetKey) ?? referable[0];

  if (!fields.length) return <p className="text-sm text-zinc-500">{t("inspector.noInputs")}</p>;

  return (
    <form noValidate className="space-y-4" onSubmit={(e) => e.preventDefault()} aria-label={t("inspector.inputsLabel")}>
      {fields.map((f) => {
        const fid = `in-${nodeId}-${f.key}`;
        const error = formState.errors[f.key]?.message;
        const hint = [f.description ? pluginText(f.description, locale) : "", f.default !== undefined && f.type !== "boolean" ? t("inspector.default", { value: defaultText(f, locale) }) : ""]
          .filter(Boolean)
          .join(" ");
        const label = pluginText(f.label, locale);
        const control = {
          id: fid,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": fieldDescribedBy(fid, { hint, error }),
          "aria-required": f.required || undefined,
          ...register(f.key),
          onFocus: REFERABLE.has(f.type) ? () => setTargetKey(f.key) : undefined,
        };
        if (f.type === "boolean") {
          return (
            <div key={f.key} className="space-y-1">
              <Checkbox {...control}>{label}</Checkbox>
              {hint && <p id={`${fid}-hint`} className="text-sm text-zinc-500">{hint}</p>}
              {error && <p id={`${fid}-error`} role="alert" className="text-sm text-red-600">{error}</p>}
            </div>
          );
        }
        return (
          <Field key={f.key} label={<>{label}{f.required && <span aria-hidden="true" className="text-red-600"> *</span>}</>} htmlFor={fid} hint={hint || undefined} error={error}>
            {f.type === "textarea" ? (
              <Textarea rows={3} {...control} />
            ) : f.type === "json" ? (
              <Textarea rows={4} className="font-mono text-xs" spellCheck={false} {...control} />
            ) : f.type === "secret" ? (
              <>
                <Select {...control} onFocus={credentials.refresh}>
                  <option value="">{t("inspector.chooseCredential")}</option>
                  {credentials.options.map((c) => (
                    <option key={c.id} value={c.id}>{c.owner ? t("inspector.credentialOption", { name: c.name, owner: c.owner }) : c.name}</option>
                  ))}
                  {/* A credential someone else put here (the owner's, not shared with this editor) stays as it is. */}
                  {(() => {
                    const ref = inputs[f.key];
                    return isCredentialRef(ref) && !credentials.options.some((c) => c.id === ref.credential) ? <option value={ref.credential}>{t("inspector.credentialHidden")}</option> : null;
                  })()}
                </Select>
                <a href="/credentials" target="_blank" rel="noreferrer" className="text-xs text-indigo-700 hover:underline">{t("inspector.manageCredentials")}</a>
              </>
            ) : f.type === "select" ? (
              <Select {...control}>
                <option value="">{t("inspector.choose")}</option>
                {(f.options ?? []).map((o) => (
                  <option key={String(o.value)} value={String(o.value)}>{pluginText(o.label, locale)}</option>
                ))}
              </Select>
            ) : (
              <Input type="text" inputMode={f.type === "number" ? "decimal" : undefined} autoComplete="off" {...control} />
            )}
            {REFERABLE.has(f.type) && (
              <ReferenceChips value={inputs[f.key]} field={label} references={references} onChange={(next) => setValue(f.key, next, { shouldDirty: true, shouldTouch: true, shouldValidate: true })} />
            )}
            {REFERABLE.has(f.type) && references.length > 0 && (
              <Select
                aria-label={t("inspector.insertReference", { field: label })}
                className="h-8 text-xs text-zinc-600"
                value=""
                onChange={(e) => e.target.value && insert(f, e.target.value)}
              >
                <option value="">{t("inspector.referencePlaceholder")}</option>
                {references.map((r) => (
                  <optgroup key={r.nodeId} label={r.title}>
                    {r.outputs.map((o) => (
                      <option key={o.key} value={referenceText(r.nodeId, o.key)}>{`${r.title} › ${o.label}`}</option>
                    ))}
                  </optgroup>
                ))}
              </Select>
            )}
          </Field>
        );
      })}
      {target && (
        <UpstreamOutputs references={references} target={pluginText(target.label, locale)} onInsert={(node, key) => insert(target, referenceText(node, key))} />
      )}
    </form>
  );
}

/** A field's default as the form shows it: a select's option label (in `locale`), not its stored value. */
export function defaultText(f: { default?: unknown; options?: { value: string | number; label: Parameters<typeof pluginText>[0] }[] }, locale: string): string {
  const option = f.options?.find((o) => String(o.value) === String(f.default));
  if (option) return pluginText(option.label, locale);
  return String(typeof f.default === "object" ? JSON.stringify(f.default) : f.default);
}
