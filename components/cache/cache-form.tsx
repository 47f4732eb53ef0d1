"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { saveCacheAction } from "@/app/(admin)/cache/actions";
import { applyServerErrors, errorAt, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { KindFields } from "@/components/sources/kind-fields";
import { kindFormValues, kindPayload } from "@/components/sources/source-values";
import { Alert, Button, Card, CardBody, Field, Select } from "@/components/ui";
import type { CacheView } from "@/lib/server/cache/cache-config";
import { cacheInputSchema } from "@/lib/validations/cache";

import { S3_FORM_FIELDS } from "@/lib/plugins/sources/s3/spec";

/** The S3 fields are the S3 source kind's (same names, labels and rules). */
interface CacheFormValues {
  kind: "fs" | "s3";
  path: string;
  [field: string]: unknown;
}

const toPayload = (v: CacheFormValues) => (v.kind === "fs" ? { kind: "fs", path: v.path } : { kind: "s3", ...kindPayload(S3_FORM_FIELDS, v) });

/** The cache form; read-only when the cache is managed by PLUGIN_SOURCES_FILE (the page explains where to change it). */
export function CacheForm({ cache, allowHttp }: { cache: CacheView; allowHttp: boolean }) {
  const t = useTranslations("cache");
  const tc = useTranslations("common");
  const tk = useTranslations("kinds");
  const router = useRouter();
  const schema = useMemo(() => cacheInputSchema({ allowHttp }), [allowHttp]);
  const s = cache.settings as Record<string, unknown>;
  const str = (k: string, d = "") => (typeof s[k] === "string" ? (s[k] as string) : d);
  const form = useForm<CacheFormValues>({
    resolver: useZodResolver<CacheFormValues>(schema, toPayload),
    defaultValues: { kind: cache.settings.kind, path: str("path"), ...kindFormValues(S3_FORM_FIELDS, cache.settings.kind === "s3" ? s : undefined) },
  });
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string }>();
  const { errors, isSubmitting } = form.formState;
  const values = useWatch({ control: form.control }) as Record<string, unknown>;
  const kind = values.kind;
  const readOnly = Boolean(cache.managedBy);
  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(undefined);
    const result = await saveCacheAction(toPayload(values));
    if (result.ok) {
      form.reset({ ...values, secretAccessKey: "" });
      setMessage({ tone: "success", text: t("saved") });
      router.refresh();
    } else {
      applyServerErrors(form.setError, result.fieldErrors);
      setMessage({ tone: "error", text: result.error });
    }
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-6">
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <fieldset disabled={readOnly} className="min-w-0">
        <Card>
          <CardBody className="space-y-4">
            <Field label={t("kind")} htmlFor="kind" error={errorAt(errors, "kind")}>
              <Select id="kind" className="max-w-xs" {...form.register("kind")}>
                <option value="fs">{tk("fs")}</option>
                <option value="s3">{tk("s3")}</option>
              </Select>
            </Field>
            {kind === "fs" ? (
              <TextField id="path" label={t("fsPath")} hint={t("fsPathHint", { path: cache.isDefault ? str("path") : "<DATA_DIR>/cache" })}
                error={errorAt(errors, "path")} registration={form.register("path")} />
            ) : (
              <KindFields kind="s3" fields={S3_FORM_FIELDS} register={form.register} errors={errors} values={values}
                secretSet={cache.secretSet && cache.settings.kind === "s3"} allowHttp={allowHttp} />
            )}
          </CardBody>
        </Card>
      </fieldset>
      {!readOnly && (
        <div className="flex justify-end">
          <Button type="submit" loading={isSubmitting}>{isSubmitting ? tc("saving") : tc("save")}</Button>
        </div>
      )}
    </form>
  );
}
