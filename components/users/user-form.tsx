"use client";

import { useTranslations } from "next-intl";
import { useForm } from "react-hook-form";
import { createUserAction } from "@/app/(admin)/users/actions";
import { errorAt, useCreateSubmit, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { Alert, Button, Field, Select } from "@/components/ui";
import { ZUserInput, type TUserInput } from "@/lib/validations/auth";

export function UserForm() {
  const t = useTranslations("users");
  const tr = useTranslations("roles");
  const form = useForm<TUserInput>({ defaultValues: { username: "", password: "", role: "member" }, resolver: useZodResolver(ZUserInput) });
  const { errors, isSubmitting } = form.formState;
  const { message, onSubmit } = useCreateSubmit(form, createUserAction, (data) => t("created", { username: data.username }));
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      <div className="grid gap-4 sm:grid-cols-[1fr_1fr_10rem_auto] sm:items-start">
        <TextField id="username" label={t("username")} autoComplete="off" error={errorAt(errors, "username")} registration={form.register("username")} />
        <TextField id="password" type="password" autoComplete="new-password" label={t("password")} hint={t("passwordHint")}
          error={errorAt(errors, "password")} registration={form.register("password")} />
        <Field label={t("role")} htmlFor="role" error={errorAt(errors, "role")}>
          <Select id="role" {...form.register("role")}>
            <option value="member">{tr("member")}</option>
            <option value="admin">{tr("admin")}</option>
          </Select>
        </Field>
        <Button type="submit" className="sm:mt-7" loading={isSubmitting}>{t("new")}</Button>
      </div>
    </form>
  );
}
