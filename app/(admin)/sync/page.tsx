import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { StatusBadge } from "@/components/sync/status-badge";
import { SyncNowButton } from "@/components/sync/sync-now-button";
import { Card, CardBody, CardHeader, EmptyState, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { db } from "@/lib/db";
import { pageUser } from "@/lib/server/auth/page-guard";
import { labels } from "@/lib/i18n/labels";
import { findSyncRuns } from "@/lib/server/sync/find-sync-runs";

export const dynamic = "force-dynamic";

export default async function SyncPage() {
  if (!(await pageUser("admin"))) return null;
  const prisma = await db();
  const [t, tl, format, runs, active] = await Promise.all([
    getTranslations("sync"),
    getTranslations("labels"),
    getFormatter(),
    findSyncRuns(),
    prisma.generation.findFirst({ where: { status: "active" } }),
  ]);
  const l = labels(tl);
  const running = runs.some((r) => r.status === "running");
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} actions={<SyncNowButton running={running} />} />
      <Card>
        <CardHeader title={t("activeGeneration")} />
        <CardBody>
          {active ? (
            <p className="text-sm text-zinc-700" data-testid="active-generation">
              {t("activeSummary", { id: active.id, plugins: active.plugins, sets: active.sets, problems: active.problems, at: format.dateTime(active.activatedAt ?? active.createdAt, { dateStyle: "medium", timeStyle: "short" }) })}
            </p>
          ) : (
            <p className="text-sm text-zinc-500">{t("noGeneration")}</p>
          )}
        </CardBody>
      </Card>
      {runs.length === 0 ? (
        <EmptyState title={t("noRuns")} description={t("noRunsBody")} />
      ) : (
        <Table>
          <THead>
            <TR>
              <TH>{t("colStarted")}</TH>
              <TH>{t("colStatus")}</TH>
              <TH>{t("colTrigger")}</TH>
              <TH>{t("colGeneration")}</TH>
              <TH className="text-right">{t("colDuration")}</TH>
            </TR>
          </THead>
          <TBody>
            {runs.map((r) => (
              <TR key={r.id}>
                <TD>
                  <Link href={`/sync/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                    {format.dateTime(new Date(r.startedAt), { dateStyle: "medium", timeStyle: "medium" })}
                  </Link>
                </TD>
                <TD><StatusBadge status={r.status} /></TD>
                <TD className="text-sm text-zinc-600">{t("triggeredBy", { trigger: l.trigger(r.trigger), actor: l.actor(r.actor) })}{r.dryRun ? ` · ${t("dryRun")}` : ""}</TD>
                <TD className="text-sm">{r.generation ? t("generationCell", { id: r.generation.id, plugins: r.generation.plugins, status: l.generation(r.generation.status) }) : "—"}</TD>
                <TD className="text-right text-sm tabular-nums text-zinc-600">
                  {r.finishedAt ? format.number((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000, { style: "unit", unit: "second", maximumFractionDigits: 1 }) : "…"}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </div>
  );
}
