"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { deleteUserAction } from "@/app/(admin)/users/actions";
import { ConfirmButton } from "@/components/ui";

export function DeleteUserButton({ id, username }: { id: string; username: string }) {
  const t = useTranslations("users");
  const tc = useTranslations("common");
  const router = useRouter();
  return (
    <ConfirmButton size="sm" title={t("deleteTitle", { username })} message={t("deleteBody")} confirmLabel={tc("delete")}
      cancelLabel={tc("cancel")} onConfirm={async () => { await deleteUserAction(id); router.refresh(); }}>
      {tc("delete")}
    </ConfirmButton>
  );
}
