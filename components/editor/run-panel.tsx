"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Card, CardBody, CardHeader } from "@/components/ui";
import type { NodeRunView, ProcessRunView } from "@/lib/server/processes/process-view";
import { RunStatusBadge } from "./run-status";

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** One node's result: outputs (always shown), error, and its inputs and logs on demand. */
export function NodeRunDetails({ node }: { node: NodeRunView }) {
  const t = useTranslations("editor.runView");
  return (
    <div className="space-y-2 text-sm">
      {node.error && (
        <p className={node.status === "failed" ? "break-words text-red-700" : "break-words text-amber-800"} role={node.status === "failed" ? "alert" : undefined}>
          {node.error}
        </p>
      )}
      {node.outputs && (
        <div>
          <p className="text-xs font-medium text-zinc-600">{t("outputs")}</p>
          <pre className="max-h-48 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs text-zinc-800" data-testid={`outputs-${node.nodeId}`}>{json(node.outputs)}</pre>
        </div>
      )}
      {Object.keys(node.inputs).length > 0 && (
        <details>
          <summary className="cursor-pointer text-xs font-medium text-zinc-600">{t("inputs")}</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs text-zinc-800">{json(node.inputs)}</pre>
        </details>
      )}
      {node.logs.length > 0 && (
        <details open>
          <summary className="cursor-pointer text-xs font-medium text-zinc-600">{t("logs", { count: node.logs.length })}</summary>
          <ol className="mt-1 max-h-48 space-y-0.5 overflow-auto rounded bg-zinc-900 p-2 font-mono text-xs text-zinc-100">
            {node.logs.map((l, i) => (
              <li key={i} className="whitespace-pre-wrap break-words">{l}</li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}

/** The latest run (or node test): status, generation, and every node's status, duration and result; live while it runs. */
export function RunPanel({ run, titleOf, error, actions, title }: { run: ProcessRunView | null; titleOf: (nodeId: string) => string; error?: string; actions?: React.ReactNode; title?: string }) {
  const t = useTranslations("editor.runView");
  const format = useFormatter();
  return (
    <Card data-testid="run-panel">
      <CardHeader
        title={run?.onlyNode ? t("testTitle", { node: titleOf(run.onlyNode) }) : (title ?? t("title"))}
        description={
          run
            ? [
                t("started", { at: format.dateTime(new Date(run.startedAt), { dateStyle: "medium", timeStyle: "medium" }), actor: run.actor }),
                run.generation === null ? t("builtinsOnly") : t("generation", { id: run.generation }),
              ].join(" · ")
            : undefined
        }
        actions={
          run || actions ? (
            <span className="flex items-center gap-3">
              {run && <span data-testid="run-status"><RunStatusBadge status={run.status} /></span>}
              {actions}
            </span>
          ) : undefined
        }
      />
      <CardBody className="space-y-3">
        {error && <p className="text-sm text-red-700" role="alert">{error}</p>}
        {!run && !error && <p className="text-sm text-zinc-500">{t("none")}</p>}
        {run?.error && <p className="text-sm text-red-700">{run.error}</p>}
        {run?.cancelledBy && <p className="text-sm text-amber-800" data-testid="run-cancelled-by">{t("cancelledBy", { user: run.cancelledBy })}</p>}
        {run && (
          <ol className="divide-y divide-zinc-100">
            {run.nodes.map((n) => (
              <li key={n.nodeId} className="grid gap-2 py-3 md:grid-cols-[16rem_1fr]" data-testid={`run-node-${n.nodeId}`}>
                <div className="space-y-1">
                  <div className="flex items-center gap-2">
                    <RunStatusBadge status={n.status} />
                    <span className="truncate font-medium">{titleOf(n.nodeId)}</span>
                  </div>
                  <p className="font-mono text-[11px] text-zinc-500">{n.code}@{n.version}</p>
                  {n.durationMs !== null && (
                    <p className="text-xs tabular-nums text-zinc-500">{format.number(n.durationMs / 1000, { style: "unit", unit: "second", maximumFractionDigits: 3 })}</p>
                  )}
                  {n.attempts > 1 && <p className="text-xs text-zinc-500">{t("attempts", { count: n.attempts })}</p>}
                </div>
                <NodeRunDetails node={n} />
              </li>
            ))}
          </ol>
        )}
      </CardBody>
    </Card>
  );
}
