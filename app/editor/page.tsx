import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { AppShell } from "@/components/layout/app-shell";
import { CreateProcessForm, ProcessRowActions } from "@/components/editor/process-list";
import { RunStatusBadge } from "@/components/editor/run-status";
import { Card, CardBody, CardHeader, EmptyState, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findProcesses } from "@/lib/server/processes/find-processes";
import { createProcessAction, deleteProcessAction, saveProcessAction } from "./actions";

export const dynamic = "force-dynamic";

/** Processes: create, open, rename, delete (members and admins). */
export default async function EditorPage() {
  const user = (await pageUser("member"))!;
  const [t, format, processes] = await Promise.all([getTranslations("editor.list"), getFormatter(), findProcesses(user)]);
  return (
    <AppShell user={user}>
      <div className="space-y-6">
        <PageHeader title={t("title")} description={t("intro")} />
        <Card>
          <CardHeader title={t("createTitle")} />
          <CardBody>
            <CreateProcessForm create={createProcessAction} />
          </CardBody>
        </Card>
        {processes.length === 0 ? (
          <EmptyState title={t("empty")} description={t("emptyBody")} />
        ) : (
          <Table>
            <THead>
              <TR>
                <TH>{t("colName")}</TH>
                <TH className="text-right">{t("colNodes")}</TH>
                <TH>{t("colOwner")}</TH>
                <TH>{t("colLastRun")}</TH>
                <TH>{t("colUpdated")}</TH>
                <TH className="text-right">{t("colActions")}</TH>
              </TR>
            </THead>
            <TBody>
              {processes.map((p) => (
                <TR key={p.id}>
                  <TD>
                    <Link href={`/editor/${p.id}`} className="font-medium text-indigo-700 hover:underline">{p.name}</Link>
                    {p.description && <p className="max-w-xs truncate text-xs text-zinc-500">{p.description}</p>}
                  </TD>
                  <TD className="text-right tabular-nums">{format.number(p.nodes)}</TD>
                  <TD className="text-sm">
                    {p.owner ?? "—"}
                    {p.access !== "owner" && <span className="ml-2 text-xs text-zinc-500">{t(p.access === "editor" ? "sharedEditor" : "sharedViewer")}</span>}
                  </TD>
                  <TD>
                    {p.lastRun ? (
                      <Link href={`/editor/${p.id}/runs`} className="flex items-center gap-2 hover:underline">
                        <RunStatusBadge status={p.lastRun.status} />
                        <span className="text-xs text-zinc-500">{format.relativeTime(new Date(p.lastRun.startedAt))}</span>
                      </Link>
                    ) : (
                      <span className="text-sm text-zinc-500">{t("neverRun")}</span>
                    )}
                  </TD>
                  <TD className="text-sm text-zinc-600">{t("updated", { at: format.relativeTime(new Date(p.updatedAt)), user: p.updatedBy })}</TD>
                  <TD>
                    <ProcessRowActions process={p} rename={saveProcessAction} remove={deleteProcessAction} />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </div>
    </AppShell>
  );
}
