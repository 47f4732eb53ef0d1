"use client";

import { useTranslations } from "next-intl";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Checkbox, Field, Select } from "@/components/ui";
import { errorAt } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import type { KindFormField } from "@/lib/plugins/sources/spec";

/**
 * The fields of one source kind, from its spec (lib/plugins/sources/<kind>/spec.ts `form`): labels and hints from
 * the catalog (`sourceFields.<kind>.<name>`, `…Hint`), secrets write-only ("set — leave blank to keep").
 */
export function KindFields({
  kind,
  fields,
  register,
  errors,
  secretSet,
  allowHttp,
  values,
}: {
  kind: string;
  fields: readonly KindFormField[];
  // The source form and the cache form hold different value types; both register these names at the top level.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  register: UseFormRegister<any>;
  errors: FieldErrors;
  secretSet: boolean;
  allowHttp: boolean;
  /** The form's current values, for fields shown only while another field has a value. */
  values: Record<string, unknown>;
}) {
  const t = useTranslations("sourceFields");
  const tc = useTranslations("common");
  const key = (name: string) => `${kind}.${name}` as never;
  const shown = fields.filter((f) => (!f.onlyWhenSecretSet || secretSet) && (!f.when || f.when.in.includes(String(values[f.when.field] ?? ""))));
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {shown.map((f) => {
        const span = f.wide ? "sm:col-span-2" : undefined;
        const label = t(key(f.name));
        const hint = f.hint ? t(key(`${f.name}Hint`), { loose: String(allowHttp) } as never) : undefined;
        if (f.type === "checkbox") {
          return (
            <div key={f.name} className={f.onlyWhenSecretSet ? "self-end pb-2" : span}>
              <Checkbox id={f.name} {...register(f.name)}>{label}</Checkbox>
            </div>
          );
        }
        if (f.type === "select") {
          return (
            <Field key={f.name} className={span} label={label} htmlFor={f.name} hint={hint} error={errorAt(errors, f.name)}>
              <Select id={f.name} {...register(f.name)}>
                {(f.options ?? []).map((o) => (
                  <option key={o} value={o}>{t(key(`${f.name}_${o}`))}</option>
                ))}
              </Select>
            </Field>
          );
        }
        return (
          <TextField key={f.name} id={f.name} fieldClassName={span} label={label} hint={hint} error={errorAt(errors, f.name)} registration={register(f.name)}
            type={f.type === "password" ? "password" : undefined} autoComplete={f.autoComplete} placeholder={f.secret ? (secretSet ? tc("secretSet") : tc("secretUnset")) : f.placeholder} />
        );
      })}
    </div>
  );
}
