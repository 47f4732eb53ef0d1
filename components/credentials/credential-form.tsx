"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Alert, Button, Field, Input, Textarea, fieldDescribedBy } from "@/components/ui";
import type { CredentialView } from "@/lib/server/credentials/credential-view";
import type { ActionResult } from "@/lib/server/safe";
import { CREDENTIAL_VALUE_MAX, ZCredentialCreate, ZCredentialUpdate } from "@/lib/validations/credential";
import { toFieldErrors } from "@/lib/validations/issues";

/**
 * Create or edit a credential, checked with the schemas the server uses. The value field is write-only: it starts
 * empty, a password field, and on edit a blank value keeps the stored one.
 */
export function CredentialForm({
  credential,
  save,
  readOnly,
}: {
  credential?: Pick<CredentialView, "id" | "name" | "description">;
  save: (payload: unknown) => Promise<ActionResult<CredentialView>>;
  readOnly?: boolean;
}) {
  const t = useTranslations("credentials.form");
  const tv = useTranslations("validation");
  const router = useRouter();
  const [name, setName] = useState(credential?.name ?? "");
  const [description, setDescription] = useState(credential?.description ?? "");
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const input = credential ? { name, description, ...(value ? { value } : {}) } : { name, description, value };
    const parsed = (credential ? ZCredentialUpdate : ZCredentialCreate).safeParse(input);
    if (!parsed.success) return setErrors(toFieldErrors(parsed.error, (key, values) => tv(key as never, values as never)));
    setBusy(true);
    const res = await save(parsed.data);
    setBusy(false);
    if (!res.ok) {
      setErrors(res.fieldErrors);
      return setNotice({ tone: "error", text: res.error });
    }
    setErrors({});
    setValue("");
    if (credential) {
      setNotice({ tone: "success", text: t("saved") });
      router.refresh();
    } else {
      setName("");
      setDescription("");
      setNotice({ tone: "success", text: t("created", { name: res.data.name }) });
      router.refresh();
    }
  };

  const ids = { name: "cred-name", description: "cred-description", value: "cred-value" };
  const valueHint = credential ? t("valueKeep") : t("valueHint");
  return (
    <form
      noValidate
      className="max-w-xl space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Field label={t("name")} htmlFor={ids.name} error={errors.name}>
        <Input id={ids.name} value={name} disabled={readOnly} aria-invalid={errors.name ? true : undefined} aria-describedby={fieldDescribedBy(ids.name, { error: errors.name })} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label={t("description")} htmlFor={ids.description} error={errors.description}>
        <Textarea id={ids.description} rows={2} value={description} disabled={readOnly} aria-invalid={errors.description ? true : undefined} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      {!readOnly && (
        <Field label={credential ? t("newValue") : t("value")} htmlFor={ids.value} hint={valueHint} error={errors.value}>
          <Input
            id={ids.value}
            type="password"
            autoComplete="new-password"
            maxLength={CREDENTIAL_VALUE_MAX}
            value={value}
            aria-invalid={errors.value ? true : undefined}
            aria-describedby={fieldDescribedBy(ids.value, { hint: valueHint, error: errors.value })}
            onChange={(e) => setValue(e.target.value)}
          />
        </Field>
      )}
      {notice && <Alert tone={notice.tone} data-testid="credential-notice">{notice.text}</Alert>}
      {!readOnly && <Button type="submit" loading={busy}>{credential ? t("save") : t("create")}</Button>}
    </form>
  );
}
