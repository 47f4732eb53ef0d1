"use client";

import { useTranslations } from "next-intl";
import { useId, useMemo, useRef } from "react";
import { useForm } from "react-hook-form";
import { applyServerErrors, errorAt, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import { Button } from "@/components/ui";
import { resetPasswordForm } from "@/lib/validations/auth";
import type { ActionResult } from "@/lib/server/safe";

/** "Reset password": a dialog asking for the new password, checked by the server's schema before it is sent. */
export function ResetPasswordButton({ username, reset, onDone }: {
  username: string;
  reset: (values: { password: string }) => Promise<ActionResult<unknown>>;
  onDone: (result: ActionResult<unknown>) => void;
}) {
  const t = useTranslations("users");
  const tc = useTranslations("common");
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const schema = useMemo(() => resetPasswordForm(username), [username]);
  const form = useForm<{ password: string }>({ defaultValues: { password: "" }, resolver: useZodResolver(schema) });
  const { errors, isSubmitting } = form.formState;
  const close = () => {
    form.reset();
    dialog.current?.close();
  };
  const submit = async (values: { password: string }) => {
    const result = await reset(values);
    if (!result.ok && applyServerErrors(form.setError, result.fieldErrors)) return; // stays open on the field
    close();
    onDone(result);
  };
  return (
    <>
      <Button variant="secondary" size="sm" aria-haspopup="dialog" onClick={() => dialog.current?.showModal()}>{t("resetPassword")}</Button>
      <dialog ref={dialog} aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`}
        onCancel={(e) => { if (isSubmitting) e.preventDefault(); else form.reset(); }}
        className="m-auto w-full max-w-md rounded-md border border-zinc-200 bg-white p-0 text-left text-zinc-900 shadow-lg backdrop:bg-zinc-900/40">
        <form method="post" onSubmit={(e) => void form.handleSubmit(submit)(e)} noValidate>
          <div className="space-y-3 px-5 pt-5">
            <h2 id={`${id}-title`} className="text-base font-semibold">{t("resetTitle", { username })}</h2>
            <p id={`${id}-body`} className="text-sm text-zinc-600">{t("resetBody", { username })}</p>
            <TextField id={`${id}-password`} type="password" autoComplete="new-password" label={t("newPassword")} hint={t("passwordHint")}
              error={errorAt(errors, "password")} registration={form.register("password")} />
          </div>
          <div className="flex justify-end gap-2 px-5 py-4">
            <Button type="button" variant="secondary" onClick={close} disabled={isSubmitting}>{tc("cancel")}</Button>
            <Button type="submit" loading={isSubmitting}>{t("resetPassword")}</Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
