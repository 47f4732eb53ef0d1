import { getTranslations } from "next-intl/server";
import { SourceForm } from "@/components/sources/source-form";
import { PageHeader } from "@/components/ui";
import { urlPolicy } from "@/lib/env";
import { pageUser } from "@/lib/server/auth/page-guard";
import { createSourceAction, previewSourceAction } from "../actions";

export const dynamic = "force-dynamic";

export default async function NewSourcePage() {
  if (!(await pageUser("admin"))) return null;
  const t = await getTranslations("sources");
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title={t("createTitle")} />
      <SourceForm allowHttp={urlPolicy().allowHttp} save={createSourceAction} preview={previewSourceAction.bind(null, null)} />
    </div>
  );
}
