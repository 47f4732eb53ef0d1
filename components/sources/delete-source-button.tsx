"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { deleteSourceAction } from "@/app/(admin)/sources/actions";
import { Alert, ConfirmButton } from "@/components/ui";

export function DeleteSourceButton({ id, name, sets }: { id: string; name: string; sets: number }) {
  const t = useTranslations("sources");
  const tc = useTranslations("common");
  const router = useRouter();
  const [error, setError] = useState<string>();
  return (
    <div className="flex items-center gap-3">
      {error && <Alert tone="error">{error}</Alert>}
      <ConfirmButton title={t("deleteTitle", { name })} message={t("deleteBody", { count: sets })} confirmLabel={tc("delete")}
        cancelLabel={tc("cancel")}
        onConfirm={async () => {
          const result = await deleteSourceAction(id);
          if (!result.ok) return setError(result.error);
          router.push(`/sources?deleted=${encodeURIComponent(result.data.name)}`);
          router.refresh();
        }}>
        {tc("delete")}
      </ConfirmButton>
    </div>
  );
}
