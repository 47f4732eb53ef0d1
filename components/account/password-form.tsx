"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { changePasswordAction } from "@/app/account/actions";
import { applyServerErrors, errorAt, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { Alert, Button } from "@/components/ui";
import { passwordChangeForm } from "@/lib/validations/auth";

type Values = { currentPassword: string; newPassword: string; confirmPassword: string };

/**
 * Changing one's own password, checked in the browser by the server's schema (plus the second copy and the
 * username). `forced`: the required change after a generated or reset password; done, it goes on to the app.
 */
export function PasswordForm({ username, forced = false }: { username: string; forced?: boolean }) {
  const t = useTranslations("account");
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "success" | "error"; text: string }>();
  const schema = useMemo(() => passwordChangeForm(username), [username]);
  const form = useForm<Values>({ defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" }, resolver: useZodResolver(schema) });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    setMessage(undefined);
    const result = await changePasswordAction({ currentPassword, newPassword });
    if (!result.ok) {
      applyServerErrors(form.setError, result.fieldErrors);
      setMessage({ tone: "error", text: result.error });
      return;
    }
    form.reset();
    if (forced) {
      router.replace("/");
      router.refresh();
    } else setMessage({ tone: "success", text: t("changed") });
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      {/* For password managers: the account the new password belongs to. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <TextField id="currentPassword" type="password" autoComplete="current-password" label={forced ? t("forcedCurrent") : t("currentPassword")}
        error={errorAt(errors, "currentPassword")} registration={form.register("currentPassword")} />
      <TextField id="newPassword" type="password" autoComplete="new-password" label={t("newPassword")} hint={t("passwordRule")}
        error={errorAt(errors, "newPassword")} registration={form.register("newPassword")} />
      <TextField id="confirmPassword" type="password" autoComplete="new-password" label={t("confirmPassword")}
        error={errorAt(errors, "confirmPassword")} registration={form.register("confirmPassword")} />
      <Button type="submit" className={forced ? "w-full" : undefined} loading={isSubmitting}>{forced ? t("forcedSubmit") : t("submit")}</Button>
    </form>
  );
}
