"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Alert, Button, ConfirmButton, Input } from "@/components/ui";
import { applyServerErrors, errorAt, useZodResolver } from "@/components/forms/zod-form";
import { TextField } from "@/components/forms/text-field";
import type { ActionResult } from "@/lib/server/safe";
import { ZProcessCreate, ZProcessName } from "@/lib/validations/process";

type CreateValues = { name: string; description: string };

/** "New process": name (and description), checked with the server's schema; opens the editor on success. */
export function CreateProcessForm({ create }: { create: (payload: unknown) => Promise<ActionResult<{ id: string }>> }) {
  const t = useTranslations("editor.list");
  const router = useRouter();
  const resolver = useZodResolver<CreateValues>(ZProcessCreate);
  const { register, handleSubmit, setError, formState } = useForm<CreateValues>({ defaultValues: { name: "", description: "" }, resolver });
  const [formError, setFormError] = useState<string>();
  const onSubmit = handleSubmit(async (values) => {
    setFormError(undefined);
    const result = await create(values);
    if (result.ok) return router.push(`/editor/${result.data.id}`);
    applyServerErrors(setError, result.fieldErrors);
    setFormError(result.error);
  });
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-start" aria-label={t("createTitle")}>
      <TextField id="name" label={t("name")} error={errorAt(formState.errors, "name")} registration={register("name")} />
      <TextField id="description" label={t("description")} error={errorAt(formState.errors, "description")} registration={register("description")} />
      <Button type="submit" className="sm:mt-7" loading={formState.isSubmitting}>{t("create")}</Button>
      {formError && <Alert tone="error" className="sm:col-span-3">{formError}</Alert>}
    </form>
  );
}

/** Rename (inline, with the version the list was loaded at) and delete (confirmed) for one process. */
export function ProcessRowActions({
  process,
  rename,
  remove,
}: {
  process: { id: string; name: string; version: number; access: "owner" | "editor" | "viewer" };
  rename: (id: string, payload: unknown) => Promise<ActionResult<unknown>>;
  remove: (id: unknown) => Promise<ActionResult<{ name: string }>>;
}) {
  const t = useTranslations("editor.list");
  const tv = useTranslations("validation");
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(process.name);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const parsed = ZProcessName.safeParse(name);
    if (!parsed.success) return setError(tv(parsed.error.issues[0].message === "too_long" ? "too_long" : "required", { max: 100 }));
    setBusy(true);
    const result = await rename(process.id, { version: process.version, name: parsed.data });
    setBusy(false);
    if (!result.ok) return setError(result.fieldErrors.name ?? result.error);
    setEditing(false);
    router.refresh();
  };

  if (editing) {
    return (
      <form
        className="flex flex-wrap items-start justify-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div>
          <Input
            aria-label={t("newName", { name: process.name })}
            aria-invalid={error ? true : undefined}
            className="h-8 w-56"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
          />
          {error && <p role="alert" className="mt-1 max-w-56 text-xs text-red-600">{error}</p>}
        </div>
        <Button size="sm" type="submit" loading={busy}>{t("renameSave")}</Button>
        <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>{t("cancel")}</Button>
      </form>
    );
  }
  return (
    <div className="flex justify-end gap-2">
      {process.access !== "viewer" && (
        <Button size="sm" variant="secondary" onClick={() => (setName(process.name), setError(undefined), setEditing(true))}>{t("rename")}</Button>
      )}
      {process.access === "owner" && (
        <ConfirmButton
          size="sm"
          title={t("deleteTitle", { name: process.name })}
          message={t("deleteMessage")}
          confirmLabel={t("delete")}
          cancelLabel={t("cancel")}
          onConfirm={async () => {
            const result = await remove(process.id);
            if (result.ok) router.refresh();
          }}
        >
          {t("delete")}
        </ConfirmButton>
      )}
    </div>
  );
}
