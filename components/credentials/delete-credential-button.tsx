"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { ConfirmAction } from "@/components/ui";
import type { ActionResult } from "@/lib/server/safe";

/** Deletes a credential after a confirmation; a refusal (still used by processes) is shown, not swallowed. */
export function DeleteCredentialButton({ id, name, remove }: { id: string; name: string; remove: (id: unknown) => Promise<ActionResult<{ name: string }>> }) {
  const t = useTranslations("credentials");
  const router = useRouter();
  return (
    <ConfirmAction className="space-y-2" title={t("deleteTitle", { name })} message={t("deleteMessage")} confirmLabel={t("delete")} cancelLabel={t("keep")}
      action={() => remove(id)} onDone={() => router.push("/credentials")}>
      {t("delete")}
    </ConfirmAction>
  );
}
