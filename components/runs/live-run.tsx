"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button, ConfirmButton } from "@/components/ui";
import { RunPanel } from "@/components/editor/run-panel";
import type { ActionResult } from "@/lib/server/safe";
import type { ProcessRunView } from "@/lib/server/processes/process-view";

/**
 * A run's page body: the run followed live while it runs (its REST resource, polled), Cancel while it runs and
 * Re-run (the same inputs) once it has ended — both only for users who may run the process.
 */
export function LiveRun({
  processId,
  initial,
  titles,
  canRun,
  cancel,
  rerun,
}: {
  processId: string;
  initial: ProcessRunView;
  titles: Record<string, string>;
  canRun: boolean;
  cancel: (runId: unknown) => Promise<ActionResult<ProcessRunView>>;
  rerun: (payload: unknown) => Promise<ActionResult<{ runId: string }>>;
}) {
  const t = useTranslations("runs");
  const router = useRouter();
  const [run, setRun] = useState(initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Cancelled runs may still have a node stopping: follow until none is running.
  const live = run.status === "running" || run.nodes.some((n) => n.status === "running" || n.status === "queued");

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(async () => {
      const res = await fetch(`/api/processes/${processId}/runs/${run.id}`, { cache: "no-store" }).catch(() => null);
      if (res?.ok) setRun((await res.json()) as ProcessRunView);
    }, 700);
    return () => clearInterval(timer);
  }, [live, processId, run.id]);

  const actions = canRun ? (
    <div className="flex items-center gap-2">
      {run.status === "running" ? (
        <ConfirmButton
          size="sm"
          title={t("cancelTitle")}
          message={t("cancelMessage")}
          confirmLabel={t("cancel")}
          cancelLabel={t("keepRunning")}
          onConfirm={async () => {
            const res = await cancel(run.id);
            if (res.ok) setRun(res.data);
            else setError(res.error);
          }}
        >
          {t("cancel")}
        </ConfirmButton>
      ) : (
        <Button
          size="sm"
          variant="secondary"
          loading={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            const res = await rerun({ rerunOf: run.id });
            setBusy(false);
            if (res.ok) router.push(`/editor/${processId}/runs/${res.data.runId}`);
            else setError(res.error);
          }}
        >
          {t("rerun")}
        </Button>
      )}
    </div>
  ) : undefined;

  return (
    <div className="space-y-4">
      {run.rerunOf && (
        <p className="text-sm text-zinc-500">
          {t.rich("rerunOf", { link: (chunks) => <Link className="text-indigo-700 hover:underline" href={`/editor/${processId}/runs/${run.rerunOf}`}>{chunks}</Link> })}
        </p>
      )}
      <RunPanel run={run} title={t("nodesTitle")} titleOf={(id) => titles[id] ?? id} error={error} actions={actions} />
    </div>
  );
}
