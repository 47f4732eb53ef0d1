"use client";

import { useTranslations } from "next-intl";
import { useState, useSyncExternalStore } from "react";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Badge, Button, Card, CardBody, CardHeader, Checkbox, Field, Input } from "@/components/ui";
import { errorAt } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import type { SourceFormValues } from "./source-values";

/**
 * Sync on push (git sources): the write-only webhook secret (blank keeps the stored one, a checkbox clears it)
 * and the payload URL to paste into the git host, with a copy button. The URL names the source by id (stable when
 * the source is renamed), on the origin the admin is using.
 */
export function WebhookFields({
  sourceId,
  secretSet,
  register,
  errors,
}: {
  sourceId?: string;
  secretSet: boolean;
  register: UseFormRegister<SourceFormValues>;
  errors: FieldErrors;
}) {
  const t = useTranslations("webhookFields");
  const tc = useTranslations("common");
  const [copied, setCopied] = useState(false);
  // The browser's origin (what the admin reaches this app at); blank in the server's render, so both agree.
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => "");
  const url = sourceId && origin ? `${origin}/api/hooks/${encodeURIComponent(sourceId)}` : "";

  const copy = async () => {
    await navigator.clipboard.writeText(url);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

  return (
    <Card>
      <CardHeader title={t("title")} description={t("description")} actions={<Badge tone={secretSet ? "green" : "neutral"}>{secretSet ? t("on") : t("off")}</Badge>} />
      <CardBody className="grid gap-4 sm:grid-cols-2">
        <Field className="sm:col-span-2" label={t("url")} htmlFor="webhookUrl" hint={sourceId ? t("howTo") : t("urlAfterSave")}>
          <div className="flex gap-2">
            <Input id="webhookUrl" readOnly value={url} className="font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
            <Button type="button" variant="secondary" disabled={!url} onClick={copy} aria-live="polite">{copied ? t("copied") : t("copy")}</Button>
          </div>
        </Field>
        <TextField id="webhookSecret" label={t("secret")} hint={t("secretHint")} error={errorAt(errors, "webhookSecret")} registration={register("webhookSecret")}
          type="password" autoComplete="new-password" placeholder={secretSet ? tc("secretSet") : tc("secretUnset")} />
        {secretSet && (
          <div className="self-end pb-2">
            <Checkbox id="clearWebhookSecret" {...register("clearWebhookSecret")}>{t("clear")}</Checkbox>
          </div>
        )}
      </CardBody>
    </Card>
  );
}

const noSubscription = () => () => undefined;
