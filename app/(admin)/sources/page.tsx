import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { Alert, Badge, ButtonLink, EmptyState, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findSources } from "@/lib/server/sources/find-sources";
import { findLastSyncBySource } from "@/lib/server/sync/find-sync-runs";
import { findSyncTimes } from "@/lib/server/sync/find-sync-times";
import { StatusBadge } from "@/components/sync/status-badge";
import { SyncNowButton } from "@/components/sync/sync-now-button";
import { SourcePolicyBadges, SourceSchedule } from "@/components/sources/source-schedule";
import { describeLocation } from "@/lib/server/sources/source-view";
import { fileOf } from "@/lib/server/sources-file/managed";
import { FirstRunGuide } from "@/components/first-run/first-run-guide";
import { firstRunState } from "@/lib/server/first-run/first-run-state";

export const dynamic = "force-dynamic";

export default async function SourcesPage({ searchParams }: { searchParams: Promise<{ saved?: string; deleted?: string }> }) {
  if (!(await pageUser("admin"))) return null;
  // The last attempts, read once: the "last sync" column and the schedule's "last attempt" both show them.
  const lastSyncRead = findLastSyncBySource();
  const [t, tk, tc, tm, tp, format, sources, q, lastSync, times, firstRun] = await Promise.all([
    getTranslations("sources"),
    getTranslations("kinds"),
    getTranslations("common"),
    getTranslations("managed"),
    getTranslations("sourcePolicy"),
    getFormatter(),
    findSources(),
    searchParams,
    lastSyncRead,
    findSyncTimes(undefined, lastSyncRead),
    firstRunState(),
  ]);
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} actions={<ButtonLink href="/sources/new">{t("new")}</ButtonLink>} />
      {q.saved && (
        <Alert tone="success">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <span>{t("updated", { name: q.saved })}</span>
            <SyncNowButton running={false} source={q.saved} />
          </div>
        </Alert>
      )}
      {q.deleted && <Alert tone="success">{t("deleted", { name: q.deleted })}</Alert>}
      <FirstRunGuide state={firstRun} />
      {sources.length === 0 ? (
        <EmptyState title={t("empty")} description={t("emptyBody")} action={<ButtonLink href="/sources/new">{t("new")}</ButtonLink>} />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t("colName")}</TH>
              <TH>{t("colKind")}</TH>
              <TH>{t("colLocation")}</TH>
              <TH className="text-right">{t("colSets")}</TH>
              <TH>{t("colEnabled")}</TH>
              <TH>{t("colLastSync")}</TH>
              <TH>{tp("colSchedule")}</TH>
            </TR>
          </THead>
          <TBody>
            {sources.map((s) => (
              <TR key={s.id}>
                <TD>
                  <Link href={`/sources/${s.id}`} className="font-medium text-indigo-700 hover:underline">{s.name}</Link>
                  {s.managedBy && (
                    <Badge tone="amber" className="ml-2" title={tm("badgeTitle", { file: fileOf(s.managedBy) })}>{tm("badge")}</Badge>
                  )}
                  {s.description && <p className="max-w-xs truncate text-xs text-zinc-500">{s.description}</p>}
                </TD>
                <TD><Badge tone="indigo">{tk(s.kind)}</Badge></TD>
                <TD className="max-w-xs truncate font-mono text-xs text-zinc-600" title={describeLocation(s)}>{describeLocation(s)}</TD>
                <TD className="text-right tabular-nums">{format.number(s.pluginSets.length)}</TD>
                <TD>{s.enabled ? <Badge tone="green">{tc("enabled")}</Badge> : <Badge>{tc("disabled")}</Badge>}</TD>
                <TD className="text-sm text-zinc-500">
                  {lastSync.get(s.name) ? (
                    <span className="flex flex-col items-start gap-0.5" title={lastSync.get(s.name)!.error ?? undefined}>
                      <StatusBadge status={lastSync.get(s.name)!.status} />
                      <span className="text-xs">{format.relativeTime(new Date(lastSync.get(s.name)!.at))}</span>
                    </span>
                  ) : (
                    t("notSynced")
                  )}
                </TD>
                <TD>
                  <div className="flex flex-col items-start gap-1">
                    <SourcePolicyBadges source={s} />
                    <SourceSchedule source={s} times={times.get(s.name)} />
                  </div>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
