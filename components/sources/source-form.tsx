"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Alert, Button, ButtonLink, Card, CardBody, CardHeader, Checkbox, Field, Select, Textarea } from "@/components/ui";
import { applyServerErrors, errorAt, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { sourceInputSchema } from "@/lib/validations/source";
import { SOURCE_KINDS, SOURCE_SPECS, specOf, type SourceKind } from "@/lib/plugins/sources/specs";
import type { ActionResult } from "@/lib/server/safe";
import type { SourceView } from "@/lib/server/sources/source-view";
import type { SourcePreview } from "@/lib/server/sync/preview-source";
import { PluginSetFields } from "./plugin-set-fields";
import { SourcePolicyFields } from "./source-policy-fields";
import { SourcePreviewCard } from "./source-preview";
import { KindFields } from "./kind-fields";
import { toFormValues, toPayload, type SourceFormValues } from "./source-values";
import { WebhookFields } from "./webhook-fields";

/**
 * Create/edit form of a plugin source. Validates with the same zod schema as the server (the server passes its
 * URL policy down), then calls the server action and shows the server's field errors the same way.
 * A source managed by PLUGIN_SOURCES_FILE is shown read-only (the server refuses changes to it with 409 anyway);
 * the page explains where to change it.
 */
export function SourceForm({
  source,
  allowHttp,
  save,
  preview,
}: {
  source?: SourceView;
  allowHttp: boolean;
  save: (payload: unknown) => Promise<ActionResult<SourceView>>;
  preview: (payload: unknown) => Promise<ActionResult<SourcePreview>>;
}) {
  const t = useTranslations("sourceForm");
  const tc = useTranslations("common");
  const tk = useTranslations("kinds");
  const tp = useTranslations("pluginSets");
  const tv = useTranslations("preview");
  const ts = useTranslations("sourcePolicy");
  const router = useRouter();
  const schema = useMemo(() => sourceInputSchema({ allowHttp }), [allowHttp]);
  const resolver = useZodResolver<SourceFormValues>(schema, toPayload);
  const { register, handleSubmit, control, setError, formState } = useForm<SourceFormValues>({
    defaultValues: toFormValues(source),
    resolver,
  });
  const [formError, setFormError] = useState<string>();
  const [previewed, setPreviewed] = useState<SourcePreview>();
  const [previewing, setPreviewing] = useState(false);
  const values = useWatch({ control }) as Record<string, unknown>;
  const kind = (values.kind as SourceKind | undefined) ?? "git";
  const errors = formState.errors;
  const readOnly = Boolean(source?.managedBy);

  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await save(toPayload(values));
    if (result.ok) {
      router.push(`/sources?saved=${encodeURIComponent(result.data.name)}`);
      router.refresh();
      return;
    }
    applyServerErrors(setError, result.fieldErrors);
    setFormError(result.error);
  });

  const onPreview = handleSubmit(async (values) => {
    setFormError(undefined);
    setPreviewed(undefined);
    setPreviewing(true);
    try {
      const result = await preview(toPayload(values));
      if (result.ok) setPreviewed(result.data);
      else {
        applyServerErrors(setError, result.fieldErrors);
        setFormError(result.error);
      }
    } finally {
      setPreviewing(false);
    }
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-6" aria-label={source ? source.name : t("general")}>
      {formError && <Alert tone="error">{formError}</Alert>}
      <fieldset disabled={readOnly} className="min-w-0 space-y-6">
        <Card>
          <CardHeader title={t("general")} />
          <CardBody className="grid gap-4 sm:grid-cols-2">
            <TextField id="name" label={t("name")} hint={t("nameHint")} error={errorAt(errors, "name")} registration={register("name")} />
            <Field label={t("kind")} htmlFor="kind" error={errorAt(errors, "kind")}>
              <Select id="kind" {...register("kind")}>
                {SOURCE_KINDS.map((k) => (
                  <option key={k} value={k}>{tk(k)}</option>
                ))}
              </Select>
            </Field>
            <Field className="sm:col-span-2" label={t("description")} htmlFor="description" error={errorAt(errors, "description")}>
              <Textarea id="description" rows={2} {...register("description")} />
            </Field>
            <Checkbox id="enabled" {...register("enabled")}>{t("enabled")}</Checkbox>
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={t("location")} description={tk(kind)} />
          <CardBody>
            <KindFields kind={kind} fields={(specOf(kind) ?? SOURCE_SPECS.git).form} register={register} errors={errors} values={values}
              secretSet={Boolean(source?.secretSet && source.kind === kind)} allowHttp={allowHttp} />
          </CardBody>
        </Card>

        {kind === "git" && <WebhookFields sourceId={source?.id} secretSet={Boolean(source?.webhookSecretSet)} register={register} errors={errors} />}

        <Card>
          <CardHeader title={tp("title")} description={tp("description")} />
          <CardBody>
            <PluginSetFields control={control} register={register} errors={errors} />
          </CardBody>
        </Card>

        <Card>
          <CardHeader title={ts("title")} description={ts("description")} />
          <CardBody>
            <SourcePolicyFields register={register} errors={errors} />
          </CardBody>
        </Card>
      </fieldset>

      {previewed && <SourcePreviewCard preview={previewed} />}

      <div className="flex items-center justify-end gap-3">
        <Button variant="secondary" loading={previewing} onClick={onPreview}>{previewing ? tv("running") : tv("button")}</Button>
        <ButtonLink href="/sources" variant="secondary">{readOnly ? tc("back") : tc("cancel")}</ButtonLink>
        {!readOnly && <Button type="submit" loading={formState.isSubmitting}>{formState.isSubmitting ? tc("saving") : tc("save")}</Button>}
      </div>
    </form>
  );
}
