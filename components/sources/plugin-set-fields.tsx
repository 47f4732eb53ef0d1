"use client";

import { useTranslations } from "next-intl";
import { useFieldArray, type Control, type FieldErrors, type UseFormRegister } from "react-hook-form";
import { Button, Field, fieldDescribedBy, Input, Textarea } from "@/components/ui";
import { errorAt } from "@/components/forms/zod-form";
import type { SourceFormValues } from "./source-values";

/** The plugin-set rows of a source: submodule, version, comma-separated import modules; add and remove rows. */
export function PluginSetFields({
  control,
  register,
  errors,
}: {
  control: Control<SourceFormValues>;
  register: UseFormRegister<SourceFormValues>;
  errors: FieldErrors<SourceFormValues>;
}) {
  const t = useTranslations("pluginSets");
  const { fields, append, remove } = useFieldArray({ control, name: "pluginSets" });
  const err = (i: number, f: string) => errorAt(errors, `pluginSets.${i}.${f}`);
  return (
    <div className="space-y-4">
      {fields.length === 0 && <p className="text-sm text-zinc-500">{t("empty")}</p>}
      {fields.map((row, i) => {
        const id = (f: string) => `pluginSets.${i}.${f}`;
        return (
          <fieldset key={row.id} className="rounded-md border border-zinc-200 bg-zinc-50/60 p-4" data-testid="plugin-set-row">
            <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">{t("row", { n: i + 1 })}</legend>
            <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
              <Field label={t("submodule")} htmlFor={id("submodule")} hint={t("submoduleHint")} error={err(i, "submodule")}>
                <Input id={id("submodule")} aria-invalid={err(i, "submodule") ? true : undefined}
                  aria-describedby={fieldDescribedBy(id("submodule"), { hint: 1, error: err(i, "submodule") })}
                  {...register(`pluginSets.${i}.submodule`)} />
              </Field>
              <Field label={t("version")} htmlFor={id("version")} hint={t("versionHint")} error={err(i, "version")}>
                <Input id={id("version")} aria-invalid={err(i, "version") ? true : undefined} {...register(`pluginSets.${i}.version`)} />
              </Field>
              <Field className="sm:col-span-2" label={t("importModules")} htmlFor={id("importModules")} hint={t("importModulesHint")}
                error={err(i, "importModules")}>
                <Textarea id={id("importModules")} rows={2} className="font-mono"
                  aria-invalid={err(i, "importModules") ? true : undefined} {...register(`pluginSets.${i}.importModules`)} />
              </Field>
            </div>
            <div className="mt-3 flex justify-end">
              <Button variant="ghost" size="sm" onClick={() => remove(i)}>{t("remove")}</Button>
            </div>
          </fieldset>
        );
      })}
      <Button variant="secondary" size="sm" onClick={() => append({ submodule: "", version: "1.0.0", importModules: "" })}>
        + {t("add")}
      </Button>
    </div>
  );
}
