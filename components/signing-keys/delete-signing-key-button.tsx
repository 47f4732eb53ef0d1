"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { deleteSigningKeyAction } from "@/app/(admin)/signing-keys/actions";
import { ConfirmButton } from "@/components/ui";

/** Removes a key from the allow-list after a confirmation saying what it does to the sources that trust it. */
export function DeleteSigningKeyButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations("signingKeys");
  const router = useRouter();
  const [error, setError] = useState<string>();
  return (
    <div className="space-y-1">
      <ConfirmButton
        title={t("deleteTitle", { name })}
        message={t("deleteMessage")}
        confirmLabel={t("delete")}
        cancelLabel={t("keep")}
        onConfirm={async () => {
          const res = await deleteSigningKeyAction(id);
          if (res.ok) router.refresh();
          else setError(res.error);
        }}
      >
        {t("delete")}
      </ConfirmButton>
      {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
    </div>
  );
}
