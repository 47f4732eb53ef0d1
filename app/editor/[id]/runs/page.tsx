import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { AppShell } from "@/components/layout/app-shell";
import { RunStatusBadge } from "@/components/editor/run-status";
import { ButtonLink, EmptyState, PageHeader, Table, TBody, TD, TH, THead, TR, cn } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { ExpectedError } from "@/lib/server/errors";
import { findProcessRuns, RUN_STATUSES, ZRunFilter } from "@/lib/server/processes/find-process-runs";
import { getProcess } from "@/lib/server/processes/get-process";

export const dynamic = "force-dynamic";

const found = <T,>(p: Promise<T>) =>
  p.catch((err) => {
    if (err instanceof ExpectedError && err.status === 404) notFound();
    throw err;
  });

/** Every run of a process, newest first, filtered by status (links keep the filter in the URL). */
export default async function RunHistoryPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const user = (await pageUser("member"))!;
  const { id } = await params;
  const query = ZRunFilter.safeParse({ status: (await searchParams).status || undefined });
  const status = query.success ? query.data.status : undefined;
  const process = await found(getProcess(id, user));
  const [t, ts, format, runs] = await Promise.all([getTranslations("runs"), getTranslations("editor.status"), getFormatter(), found(findProcessRuns(id, { status, take: 200 }, user))]);
  const filters = [undefined, ...RUN_STATUSES];
  return (
    <AppShell user={user}>
      <PageHeader
        title={t("historyTitle", { name: process.name })}
        description={t("historyIntro")}
        actions={<ButtonLink href={`/editor/${id}`} variant="secondary">{t("openEditor")}</ButtonLink>}
      />
      <nav aria-label={t("filterLabel")} className="mb-4 flex flex-wrap gap-2">
        {filters.map((s) => (
          <Link
            key={s ?? "all"}
            href={s ? `/editor/${id}/runs?status=${s}` : `/editor/${id}/runs`}
            aria-current={s === status ? "page" : undefined}
            className={cn("rounded-full px-3 py-1 text-sm ring-1 ring-inset", s === status ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-50")}
          >
            {s ? ts(s) : t("all")}
          </Link>
        ))}
      </nav>
      {runs.length === 0 ? (
        <EmptyState title={status ? t("emptyFiltered", { status: ts(status) }) : t("empty")} />
      ) : (
        <Table data-testid="run-history">
          <THead>
            <TR>
              <TH>{t("colStarted")}</TH>
              <TH>{t("colStatus")}</TH>
              <TH>{t("colBy")}</TH>
              <TH>{t("colNodes")}</TH>
              <TH className="text-right">{t("colDuration")}</TH>
            </TR>
          </THead>
          <TBody>
            {runs.map((r) => (
              <TR key={r.id} data-testid={`run-row-${r.id}`}>
                <TD>
                  <Link href={`/editor/${id}/runs/${r.id}`} className="font-medium text-indigo-700 hover:underline">
                    {format.dateTime(new Date(r.startedAt), { dateStyle: "medium", timeStyle: "medium" })}
                  </Link>
                  <p className="text-xs text-zinc-500">
                    {[r.onlyNode ? t("testOf", { node: r.onlyNode }) : null, r.rerunOf ? t("rerun") : null, r.generation === null ? null : t("generation", { id: r.generation })].filter(Boolean).join(" · ")}
                  </p>
                </TD>
                <TD><RunStatusBadge status={r.status} /></TD>
                <TD className="text-sm">{r.cancelledBy ? t("byCancelled", { actor: r.actor, user: r.cancelledBy }) : r.actor}</TD>
                <TD className="text-sm text-zinc-600">
                  {Object.entries(r.nodes).map(([s, n]) => `${ts(s as never)} ${format.number(n)}`).join(" · ")}
                </TD>
                <TD className="text-right text-sm tabular-nums text-zinc-600">
                  {r.finishedAt ? format.number((new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000, { style: "unit", unit: "second", maximumFractionDigits: 1 }) : "—"}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </AppShell>
  );
}
