import { getTranslations } from "next-intl/server";
import { CacheForm } from "@/components/cache/cache-form";
import { Alert, PageHeader } from "@/components/ui";
import { urlPolicy } from "@/lib/env";
import { pageUser } from "@/lib/server/auth/page-guard";
import { getCacheConfig } from "@/lib/server/cache/cache-config";

export const dynamic = "force-dynamic";

export default async function CachePage() {
  if (!(await pageUser("admin"))) return null;
  const [t, cache] = await Promise.all([getTranslations("cache"), getCacheConfig()]);
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title={t("title")} description={t("description")} />
      {cache.isDefault && cache.settings.kind === "fs" && <Alert tone="info">{t("default", { path: cache.settings.path })}</Alert>}
      <CacheForm cache={cache} allowHttp={urlPolicy().allowHttp} />
    </div>
  );
}
