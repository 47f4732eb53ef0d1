"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { startSyncAction } from "@/app/(admin)/sync/actions";
import { Alert, Button } from "@/components/ui";

/** Starts a sync of every enabled source (or of `source` alone) and opens the run's live page. */
export function SyncNowButton({ running, source }: { running: boolean; source?: string }) {
  const t = useTranslations("sync");
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <div className="flex items-center gap-3">
      {error && <Alert tone="error">{error}</Alert>}
      <Button
        loading={pending}
        disabled={running}
        onClick={() =>
          start(async () => {
            setError(undefined);
            const result = await startSyncAction(source ? { sources: [source] } : {});
            if (!result.ok) return setError(result.error);
            router.push(`/sync/${result.data.runId}`);
          })
        }>
        {running ? t("running") : source ? t("syncSourceNow", { name: source }) : t("syncNow")}
      </Button>
    </div>
  );
}
