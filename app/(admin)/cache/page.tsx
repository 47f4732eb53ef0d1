import { getTranslations } from "next-intl/server";
import { CacheForm } from "@/components/cache/cache-form";
import { Alert, PageHeader } from "@/components/ui";
import { urlPolicy } from "@/lib/env";
import { pageUser } from "@/lib/server/auth/page-guard";
import { getCacheConfig } from "@/lib/server/cache/cache-config";
import { fileOf } from "@/lib/server/sources-file/managed";

export const dynamic = "force-dynamic";

export default async function CachePage() {
  if (!(await pageUser("admin"))) return null;
  const [t, tm, cache] = await Promise.all([getTranslations("cache"), getTranslations("managed"), getCacheConfig()]);
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title={t("title")} description={t("description")} />
      {cache.isDefault && cache.settings.kind === "fs" && <Alert tone="info">{t("default", { path: cache.settings.path })}</Alert>}
      {cache.managedBy && <Alert tone="info" title={tm("readOnlyTitle")}>{tm("cacheReadOnly", { file: fileOf(cache.managedBy) })}</Alert>}
      <CacheForm cache={cache} allowHttp={urlPolicy().allowHttp} />
    </div>
  );
}
