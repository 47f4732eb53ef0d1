import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { AppShell } from "@/components/layout/app-shell";
import { LiveRun } from "@/components/runs/live-run";
import { ButtonLink, PageHeader } from "@/components/ui";
import { textOf } from "@/lib/plugins/registry/registry";
import { pageUser } from "@/lib/server/auth/page-guard";
import { ExpectedError } from "@/lib/server/errors";
import { getProcess } from "@/lib/server/processes/get-process";
import { getProcessRun } from "@/lib/server/processes/get-process-run";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { cancelRunAction, startRunAction } from "../../../actions";

export const dynamic = "force-dynamic";

/** One run: every node's status, inputs (secrets masked), outputs, logs and error; Cancel and Re-run. */
export default async function RunPage({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const user = (await pageUser("member"))!;
  const { id, runId } = await params;
  const [process, run] = await Promise.all([getProcess(id, user), getProcessRun(id, runId, user)]).catch((err) => {
    if (err instanceof ExpectedError && err.status === 404) notFound();
    throw err;
  });
  const [t, locale] = await Promise.all([getTranslations("runs"), getLocale()]);
  const registry = getRuntime().registry;
  // Node titles: the plugin's name where this instance knows it, else its code.
  const titles = Object.fromEntries(run.nodes.map((n) => [n.nodeId, `${textOf(registry.get(n.code, n.version)?.name ?? n.code, locale)} (${n.nodeId})`]));
  return (
    <AppShell user={user}>
      <PageHeader
        title={t("runTitle", { name: process.name })}
        description={t("runId", { id: run.id })}
        actions={
          <>
            <ButtonLink href={`/editor/${id}/runs`} variant="secondary">{t("backToHistory")}</ButtonLink>
            <ButtonLink href={`/editor/${id}`} variant="ghost">{t("openEditor")}</ButtonLink>
          </>
        }
      />
      <LiveRun processId={id} initial={run} titles={titles} canRun={process.access !== "viewer"} cancel={cancelRunAction.bind(null, id)} rerun={startRunAction.bind(null, id)} />
    </AppShell>
  );
}
