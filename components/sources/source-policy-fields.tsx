"use client";

import { useTranslations } from "next-intl";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Field, fieldDescribedBy, Select, Textarea } from "@/components/ui";
import { errorAt } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { ACTIVATION_POLICIES } from "@/lib/validations/source-policy";
import type { SourceFormValues } from "./source-values";

/** A source's schedule (interval in minutes), activation policy and plugin allow/deny lists (one entry per line). */
export function SourcePolicyFields({ register, errors }: { register: UseFormRegister<SourceFormValues>; errors: FieldErrors<SourceFormValues> }) {
  const t = useTranslations("sourcePolicy");
  // A list's entries are checked one by one ("denyPlugins.1"): the field shows the list's error or its first entry's.
  const err = (f: string) => {
    const own = errorAt(errors, f);
    if (own) return own;
    const entries = (errors as Record<string, unknown>)[f];
    if (!entries || typeof entries !== "object") return undefined;
    return Object.values(entries as Record<string, { message?: unknown } | undefined>)
      .map((e) => e?.message)
      .find((m): m is string => typeof m === "string");
  };
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField id="syncIntervalMinutes" label={t("interval")} hint={t("intervalHint")} error={err("syncIntervalMinutes")} inputMode="numeric"
        registration={register("syncIntervalMinutes")} />
      <Field label={t("activation")} htmlFor="activationPolicy" error={err("activationPolicy")}>
        <Select id="activationPolicy" {...register("activationPolicy")}>
          {ACTIVATION_POLICIES.map((p) => (
            <option key={p} value={p}>{t(`policy_${p}`)}</option>
          ))}
        </Select>
      </Field>
      {(["allowPlugins", "denyPlugins"] as const).map((name) => (
        <Field key={name} label={t(name === "allowPlugins" ? "allow" : "deny")} htmlFor={name} hint={t(name === "allowPlugins" ? "allowHint" : "denyHint")} error={err(name)}>
          <Textarea id={name} rows={3} className="font-mono" aria-invalid={err(name) ? true : undefined}
            aria-describedby={fieldDescribedBy(name, { hint: 1, error: err(name) })} {...register(name)} />
        </Field>
      ))}
    </div>
  );
}
