"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { deleteSigningKeyAction } from "@/app/(admin)/signing-keys/actions";
import { ConfirmAction } from "@/components/ui";

/** Removes a key from the allow-list after a confirmation saying what it does to the sources that trust it. */
export function DeleteSigningKeyButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations("signingKeys");
  const router = useRouter();
  return (
    <ConfirmAction title={t("deleteTitle", { name })} message={t("deleteMessage")} confirmLabel={t("delete")} cancelLabel={t("keep")}
      action={() => deleteSigningKeyAction(id)} onDone={() => router.refresh()}>
      {t("delete")}
    </ConfirmAction>
  );
}
