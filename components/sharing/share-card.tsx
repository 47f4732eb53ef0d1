"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Button, Card, CardBody, CardHeader, Field, Input, Select, fieldDescribedBy } from "@/components/ui";
import type { ActionResult } from "@/lib/server/safe";
import type { ShareView } from "@/lib/server/sharing/set-share";
import { ZShareInput } from "@/lib/validations/sharing";

/**
 * Who a process or credential is shared with, and the form to share it (owner and admins see it): a username and
 * a role, checked with the schema the server uses; "Remove" takes a share back.
 */
export function ShareCard({
  kind,
  owner,
  shares: initial,
  share,
}: {
  kind: "process" | "credential";
  owner: string | null;
  shares: ShareView[];
  share: (payload: unknown) => Promise<ActionResult<ShareView[]>>;
}) {
  const t = useTranslations("sharing");
  const tv = useTranslations("validation");
  const [shares, setShares] = useState(initial);
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<"viewer" | "editor">("viewer");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);

  const send = async (input: { username: string; role: "viewer" | "editor" | "none" }) => {
    const parsed = ZShareInput.safeParse(input);
    if (!parsed.success) return setErrors({ username: tv(parsed.error.issues[0].message as never, { max: 64 } as never) });
    setBusy(input.role === "none" ? input.username : "add");
    const res = await share(parsed.data);
    setBusy(null);
    if (!res.ok) return setErrors({ ...res.fieldErrors, ...(Object.keys(res.fieldErrors).length ? {} : { form: res.error }) });
    setErrors({});
    setShares(res.data);
    if (input.role !== "none") setUsername("");
  };

  return (
    <Card data-testid="share-card">
      <CardHeader title={t("title")} description={t(kind === "process" ? "introProcess" : "introCredential", { owner: owner ?? "—" })} />
      <CardBody className="space-y-4">
        {shares.length === 0 ? (
          <p className="text-sm text-zinc-500">{t("none")}</p>
        ) : (
          <ul className="divide-y divide-zinc-100" aria-label={t("listLabel")}>
            {shares.map((s) => (
              <li key={s.userId} className="flex items-center justify-between gap-3 py-2" data-testid={`share-${s.username}`}>
                <span className="text-sm">
                  <span className="font-medium">{s.username}</span> <span className="text-zinc-500">· {t(s.role)}</span>
                </span>
                <Button size="sm" variant="ghost" loading={busy === s.username} onClick={() => void send({ username: s.username, role: "none" })} aria-label={t("removeLabel", { user: s.username })}>
                  {t("remove")}
                </Button>
              </li>
            ))}
          </ul>
        )}
        <form
          noValidate
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            void send({ username: username.trim(), role });
          }}
        >
          <Field label={t("username")} htmlFor="share-username" error={errors.username} className="w-64">
            <Input id="share-username" value={username} autoComplete="off" aria-invalid={errors.username ? true : undefined} aria-describedby={fieldDescribedBy("share-username", { error: errors.username })} onChange={(e) => setUsername(e.target.value)} />
          </Field>
          <Field label={t("role")} htmlFor="share-role" className="w-44">
            <Select id="share-role" value={role} onChange={(e) => setRole(e.target.value as "viewer" | "editor")}>
              <option value="viewer">{t("viewer")}</option>
              <option value="editor">{t("editor")}</option>
            </Select>
          </Field>
          <Button type="submit" loading={busy === "add"}>{t("share")}</Button>
        </form>
        <p className="text-xs text-zinc-500">{t(kind === "process" ? "rolesProcess" : "rolesCredential")}</p>
        {errors.form && <p role="alert" className="text-sm text-red-600">{errors.form}</p>}
      </CardBody>
    </Card>
  );
}
