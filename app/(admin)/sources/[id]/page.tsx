import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { DeleteSourceButton } from "@/components/sources/delete-source-button";
import { SourceForm } from "@/components/sources/source-form";
import { SourcePolicyBadges, SourceSchedule } from "@/components/sources/source-schedule";
import { Alert, Card, CardBody, PageHeader } from "@/components/ui";
import { urlPolicy } from "@/lib/env";
import { pageUser } from "@/lib/server/auth/page-guard";
import { ExpectedError } from "@/lib/server/errors";
import { getSourceById } from "@/lib/server/sources/find-sources";
import { fileOf } from "@/lib/server/sources-file/managed";
import { findSyncTimes } from "@/lib/server/sync/find-sync-times";
import { previewSourceAction, updateSourceAction } from "../actions";

export const dynamic = "force-dynamic";

export default async function EditSourcePage({ params }: { params: Promise<{ id: string }> }) {
  if (!(await pageUser("admin"))) return null;
  const { id } = await params;
  const source = await getSourceById(id).catch((err) => {
    if (err instanceof ExpectedError && err.status === 404) notFound();
    throw err;
  });
  const [t, tm, times] = await Promise.all([getTranslations("sources"), getTranslations("managed"), findSyncTimes([source.name])]);
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      {/* A source declared in PLUGIN_SOURCES_FILE is read-only here: no Delete, the form shows no Save. */}
      <PageHeader title={t("editTitle", { name: source.name })}
        actions={source.managedBy ? undefined : <DeleteSourceButton id={source.id} name={source.name} sets={source.pluginSets.length} />} />
      {source.managedBy && (
        <Alert tone="info" title={tm("readOnlyTitle")}>{tm("sourceReadOnly", { file: fileOf(source.managedBy) })}</Alert>
      )}
      <Card>
        <CardBody className="flex flex-wrap items-start justify-between gap-3">
          <SourceSchedule source={source} times={times.get(source.name)} wide />
          <SourcePolicyBadges source={source} />
        </CardBody>
      </Card>
      <SourceForm source={source} allowHttp={urlPolicy().allowHttp} save={updateSourceAction.bind(null, source.id)}
        preview={previewSourceAction.bind(null, source.id)} />
    </div>
  );
}
