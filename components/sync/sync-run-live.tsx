"use client";

import { useFormatter, useTranslations } from "next-intl";
import { Alert, Card, CardBody, CardHeader, Table, TBody, TD, TH, THead, TR, cn } from "@/components/ui";
import { labels } from "@/lib/i18n/labels";
import type { SyncRunDetail } from "@/lib/server/sync/find-sync-runs";
import { RunPolicyNotes } from "./run-policy-notes";
import { RunSets, type SetRow } from "./run-sets";
import { StatusBadge } from "./status-badge";
import { useSyncRun } from "./use-sync-run";
import { VerifiedSigner } from "./verified-signer";
import { SyncLogText } from "./sync-log-text";

/** A sync run that updates itself while it runs: status, per-source results, log lines as they arrive. */
export function SyncRunLive({ initial }: { initial: SyncRunDetail }) {
  const t = useTranslations("sync");
  const l = labels(useTranslations("labels"));
  const format = useFormatter();
  const run = useSyncRun(initial);

  return (
    <div className="space-y-6">
      <Card>
        <CardBody className="flex flex-wrap items-center gap-x-8 gap-y-2 text-sm">
          <span className="flex items-center gap-2" data-testid="run-status"><StatusBadge status={run.status} /></span>
          <span className="text-zinc-600">{t("triggeredBy", { trigger: l.trigger(run.trigger), actor: l.actor(run.actor) })}</span>
          <span className="text-zinc-600">{format.dateTime(new Date(run.startedAt), { dateStyle: "medium", timeStyle: "medium" })}</span>
          {run.generation && <span className="text-zinc-600">{t("generationCell", { id: run.generation.id, plugins: run.generation.plugins, status: l.generation(run.generation.status) })}</span>}
          {!run.generation && !run.dryRun && run.status !== "running" && <span className="text-zinc-600" data-testid="no-generation">{t(run.status === "unchanged" ? "unchangedRun" : "noGeneration")}</span>}
          {run.dryRun && <span className="text-zinc-600">{t("dryRun")}</span>}
        </CardBody>
      </Card>
      {run.error && <Alert tone="error">{run.error}</Alert>}
      <RunPolicyNotes run={run} />
      <Table>
        <THead>
          <TR>
            <TH>{t("colSource")}</TH>
            <TH>{t("colStatus")}</TH>
            <TH>{t("colRevision")}</TH>
            <TH>{t("colSets")}</TH>
            <TH className="text-right">{t("colDuration")}</TH>
          </TR>
        </THead>
        <TBody>
          {run.results.length === 0 && (
            <TR><TD colSpan={5} className="text-sm text-zinc-500">{run.status === "running" ? t("waiting") : t("noResults")}</TD></TR>
          )}
          {run.results.map((r) => (
            <TR key={r.sourceName}>
              <TD className="font-medium">{r.sourceName}</TD>
              <TD><StatusBadge status={r.status} /></TD>
              <TD>
                <span className="font-mono text-xs">{r.revision?.slice(0, 12) ?? "—"}</span>
                {r.signer && <div className="mt-1"><VerifiedSigner signer={r.signer} label={t("verified", { name: r.signer.name })} /></div>}
              </TD>
              <TD><RunSets sets={r.sets as SetRow[]} error={r.error} /></TD>
              <TD className="text-right text-sm tabular-nums">{format.number(r.durationMs / 1000, { style: "unit", unit: "second", maximumFractionDigits: 2 })}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Card>
        <CardHeader title={t("log")} />
        <CardBody>
          <ol className="max-h-[28rem] space-y-0.5 overflow-y-auto font-mono text-xs" data-testid="sync-log">
            {run.logs.map((l) => (
              <li key={l.id} className={cn(l.level === "error" ? "text-red-700" : l.level === "warn" ? "text-amber-700" : "text-zinc-700")}>
                <span className="text-zinc-400">{format.dateTime(new Date(l.at), { timeStyle: "medium" })}</span>{" "}
                {l.source && <span className="text-indigo-700">{l.source}: </span>}
                <SyncLogText line={l} />
              </li>
            ))}
          </ol>
        </CardBody>
      </Card>
    </div>
  );
}
