"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { deleteUserAction, revokeUserSessionsAction, updateUserAction } from "@/app/(admin)/users/actions";
import { ConfirmButton } from "@/components/ui";
import type { ActionResult } from "@/lib/server/safe";
import { ResetPasswordButton } from "./reset-password-button";

/**
 * What an admin can do to another user: change the role, reset the password, sign them out everywhere, delete
 * them. Each ends the user's sessions; the outcome (or the server's refusal, e.g. the last admin) is said here.
 */
export function UserRowActions({ user }: { user: { id: string; username: string; role: "admin" | "member" } }) {
  const t = useTranslations("users");
  const tc = useTranslations("common");
  const router = useRouter();
  const [status, setStatus] = useState<{ tone: "ok" | "error"; text: string }>();
  const { username } = user;
  const settle = (result: ActionResult<unknown>, done: string) => {
    setStatus(result.ok ? { tone: "ok", text: done } : { tone: "error", text: result.error });
    if (result.ok) router.refresh();
  };
  const toRole = user.role === "admin" ? "member" : "admin";
  return (
    <div className="flex flex-col items-end gap-1.5">
      <div className="flex flex-nowrap justify-end gap-2">
        <ConfirmButton size="sm" variant="secondary" title={t("roleTitle", { username })} message={t(toRole === "admin" ? "roleToAdmin" : "roleToMember", { username })}
          confirmLabel={t("roleConfirm")} cancelLabel={tc("cancel")}
          onConfirm={async () => settle(await updateUserAction(user.id, { role: toRole }), t(toRole === "admin" ? "roleToAdmin" : "roleToMember", { username }))}>
          {toRole === "admin" ? t("makeAdmin") : t("makeMember")}
        </ConfirmButton>
        <ResetPasswordButton username={username} reset={(values) => updateUserAction(user.id, values)} onDone={(result) => settle(result, t("resetDone", { username }))} />
        <ConfirmButton size="sm" variant="secondary" title={t("signOutTitle", { username })} message={t("signOutBody", { username })}
          confirmLabel={t("signOutEverywhere")} cancelLabel={tc("cancel")}
          onConfirm={async () => settle(await revokeUserSessionsAction(user.id), t("signedOut", { username }))}>
          {t("signOutEverywhere")}
        </ConfirmButton>
        <ConfirmButton size="sm" title={t("deleteTitle", { username })} message={t("deleteBody")} confirmLabel={tc("delete")} cancelLabel={tc("cancel")}
          onConfirm={async () => settle(await deleteUserAction(user.id), t("deleted", { username }))}>
          {tc("delete")}
        </ConfirmButton>
      </div>
      {status && (
        <p role={status.tone === "error" ? "alert" : "status"} className={status.tone === "error" ? "text-sm text-red-600" : "text-sm text-green-700"}>{status.text}</p>
      )}
    </div>
  );
}
