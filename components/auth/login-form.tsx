"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Alert, Button } from "@/components/ui";
import { applyServerErrors, errorAt, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { loginAction } from "@/app/actions/session";
import { ZLoginInput, type TLoginInput } from "@/lib/validations/auth";

export function LoginForm() {
  const t = useTranslations("login");
  const router = useRouter();
  const [error, setError] = useState<string>();
  const form = useForm<TLoginInput>({ defaultValues: { username: "", password: "" }, resolver: useZodResolver(ZLoginInput) });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setError(undefined);
    const result = await loginAction(values);
    if (!result.ok) {
      applyServerErrors(form.setError, result.fieldErrors);
      setError(result.error);
      return;
    }
    router.replace(result.data.mustChangePassword ? "/account/password" : result.data.role === "admin" ? "/sources" : "/editor");
    router.refresh();
  });
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {error && <Alert tone="error">{error}</Alert>}
      <TextField id="username" label={t("username")} autoComplete="username" autoFocus error={errorAt(errors, "username")}
        registration={form.register("username")} />
      <TextField id="password" type="password" label={t("password")} autoComplete="current-password"
        error={errorAt(errors, "password")} registration={form.register("password")} />
      <Button type="submit" className="w-full" loading={isSubmitting}>{t("submit")}</Button>
    </form>
  );
}
