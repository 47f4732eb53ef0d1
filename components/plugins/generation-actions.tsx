"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { activateGenerationAction, rollbackAction } from "@/app/(admin)/plugins/actions";
import { Alert, Button } from "@/components/ui";

/** "Activate" on a ready generation, or "Roll back" to the previously active one. */
export function GenerationButton({ id, kind }: { id?: number; kind: "activate" | "rollback" }) {
  const t = useTranslations("plugins");
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <span className="inline-flex items-center gap-2">
      {error && <Alert tone="error">{error}</Alert>}
      <Button size="sm" variant={kind === "rollback" ? "secondary" : "primary"} loading={pending}
        onClick={() =>
          start(async () => {
            setError(undefined);
            const result = kind === "rollback" ? await rollbackAction(undefined) : await activateGenerationAction(id);
            if (!result.ok) setError(result.error);
            else router.refresh();
          })
        }>
        {kind === "rollback" ? t("rollback") : t("activate")}
      </Button>
    </span>
  );
}
