"use client";

import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { createSigningKeyAction } from "@/app/(admin)/signing-keys/actions";
import { errorAt, useCreateSubmit, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { Alert, Button, Field, fieldDescribedBy, Textarea } from "@/components/ui";
import { ZSigningKeyInput, type TSigningKeyInput } from "@/lib/validations/signing-key";

/** Adds a key to the allow-list; the server parses it and answers field errors (unparseable, private, duplicate). */
export function SigningKeyForm() {
  const t = useTranslations("signingKeys");
  const form = useForm<TSigningKeyInput>({ defaultValues: { name: "", publicKey: "" }, resolver: useZodResolver(ZSigningKeyInput) });
  const { errors, isSubmitting } = form.formState;
  const keyError = errorAt(errors, "publicKey");
  const { message, onSubmit } = useCreateSubmit(form, createSigningKeyAction, (data) => t("created", { name: data.name, fingerprint: data.fingerprint }));
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <div className="grid gap-4 md:grid-cols-[16rem_1fr]">
        <TextField id="key-name" label={t("name")} hint={t("nameHint")} autoComplete="off" error={errorAt(errors, "name")} registration={form.register("name")} />
        <Field label={t("publicKey")} htmlFor="key-public" hint={t("publicKeyHint")} error={keyError}>
          <Textarea id="key-public" rows={4} spellCheck={false} className="font-mono text-xs" aria-invalid={keyError ? true : undefined}
            aria-describedby={fieldDescribedBy("key-public", { hint: true, error: keyError })} placeholder={t("publicKeyPlaceholder")} {...form.register("publicKey")} />
        </Field>
      </div>
      <div className="flex justify-end">
        <Button type="submit" loading={isSubmitting}>{t("add")}</Button>
      </div>
    </form>
  );
}
