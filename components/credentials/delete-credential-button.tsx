"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui";
import type { ActionResult } from "@/lib/server/safe";

/** Deletes a credential after a confirmation; a refusal (still used by processes) is shown, not swallowed. */
export function DeleteCredentialButton({ id, name, remove }: { id: string; name: string; remove: (id: unknown) => Promise<ActionResult<{ name: string }>> }) {
  const t = useTranslations("credentials");
  const router = useRouter();
  const [error, setError] = useState<string>();
  return (
    <div className="space-y-2">
      <ConfirmButton
        title={t("deleteTitle", { name })}
        message={t("deleteMessage")}
        confirmLabel={t("delete")}
        cancelLabel={t("keep")}
        onConfirm={async () => {
          const res = await remove(id);
          if (res.ok) router.push("/credentials");
          else setError(res.error);
        }}
      >
        {t("delete")}
      </ConfirmButton>
      {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
    </div>
  );
}
