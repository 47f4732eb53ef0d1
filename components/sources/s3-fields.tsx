"use client";

import { useTranslations } from "next-intl";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Checkbox } from "@/components/ui";
import { errorAt } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";

/** The S3 connection fields, shared by the source form and the cache form. */
export function S3Fields({
  register,
  errors,
  secretSet,
  allowHttp,
}: {
  // Embedded in two forms with different value types; both have these S3 field names at the top level.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  register: UseFormRegister<any>;
  errors: FieldErrors;
  secretSet: boolean;
  allowHttp: boolean;
}) {
  const t = useTranslations("sourceForm");
  const tc = useTranslations("common");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField id="endpoint" className="sm:col-span-2" label={t("s3Endpoint")} hint={t("s3EndpointHint", { loose: String(allowHttp) })}
        error={errorAt(errors, "endpoint")} registration={register("endpoint")} placeholder="https://s3.example.com" />
      <TextField id="region" label={t("s3Region")} error={errorAt(errors, "region")} registration={register("region")} />
      <TextField id="bucket" label={t("s3Bucket")} error={errorAt(errors, "bucket")} registration={register("bucket")} />
      <TextField id="prefix" label={t("s3Prefix")} hint={t("s3PrefixHint")} error={errorAt(errors, "prefix")} registration={register("prefix")} />
      <TextField id="accessKeyId" label={t("s3AccessKey")} autoComplete="off" error={errorAt(errors, "accessKeyId")} registration={register("accessKeyId")} />
      <TextField id="secretAccessKey" type="password" autoComplete="new-password" label={t("s3SecretKey")}
        placeholder={secretSet ? tc("secretSet") : tc("secretUnset")} error={errorAt(errors, "secretAccessKey")}
        registration={register("secretAccessKey")} />
      <div className="sm:col-span-2">
        <Checkbox id="pathStyle" {...register("pathStyle")}>{t("s3PathStyle")}</Checkbox>
      </div>
    </div>
  );
}
