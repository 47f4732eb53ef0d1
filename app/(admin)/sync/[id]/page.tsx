import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { SyncRunLive } from "@/components/sync/sync-run-live";
import { ButtonLink, PageHeader } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { ExpectedError } from "@/lib/server/errors";
import { getSyncRun } from "@/lib/server/sync/find-sync-runs";

export const dynamic = "force-dynamic";

export default async function SyncRunPage({ params }: { params: Promise<{ id: string }> }) {
  if (!(await pageUser("admin"))) return null;
  const { id } = await params;
  const run = await getSyncRun(id).catch((err) => {
    if (err instanceof ExpectedError && err.status === 404) notFound();
    throw err;
  });
  const t = await getTranslations("sync");
  return (
    <div className="space-y-6">
      <PageHeader title={t("runTitle")} description={run.id} actions={<ButtonLink href="/sync" variant="secondary">{t("allRuns")}</ButtonLink>} />
      <SyncRunLive initial={run} />
    </div>
  );
}
