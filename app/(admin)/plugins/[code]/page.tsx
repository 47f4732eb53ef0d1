import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { PluginVersionCard } from "@/components/plugins/plugin-version-card";
import { PluginUsers } from "@/components/plugins/plugin-users";
import { ButtonLink, PageHeader } from "@/components/ui";
import { PLUGIN_CODE } from "@/lib/plugins/contract";
import { textOf } from "@/lib/plugins/registry/registry";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findPluginUsers } from "@/lib/server/processes/find-plugin-users";
import { getRuntime } from "@/lib/server/runtime/runtime";

export const dynamic = "force-dynamic";

/**
 * One plugin of the served generation: every version with its inputs, outputs, source, set and revision, and the
 * saved processes that use it. Admins only, like the rest of /plugins: it names every user's processes (members
 * see a plugin's inputs and outputs in the editor's picker and inspector).
 */
export default async function PluginPage({ params }: { params: Promise<{ code: string }> }) {
  if (!(await pageUser("admin"))) return null;
  const { code } = await params;
  // Anything but a plugin code names no plugin (and is never decoded, looked up or echoed).
  if (!PLUGIN_CODE.test(code)) notFound();
  const runtime = getRuntime();
  const versions = runtime.registry.versions(code).map((v) => runtime.registry.get(code, v)!);
  if (!versions.length) notFound();
  const [t, locale, users] = await Promise.all([getTranslations("pluginPage"), getLocale(), findPluginUsers(code)]);
  const sets = runtime.loaded?.sets ?? [];
  const latest = versions[0];
  return (
    <div className="space-y-6">
      <PageHeader
        title={textOf(latest.name, locale)}
        description={latest.description !== undefined ? textOf(latest.description, locale) : undefined}
        actions={<ButtonLink href="/plugins" variant="secondary">{t("back")}</ButtonLink>}
      />
      <p className="font-mono text-sm text-zinc-600" data-testid="plugin-code">{code} · {t("versions", { count: versions.length })}</p>
      <PluginUsers users={users} />
      {versions.map((p, i) => (
        <PluginVersionCard key={p.key} plugin={p} latest={i === 0} set={sets.find((s) => s.source === p.source && s.submodule === p.set)} locale={locale} />
      ))}
    </div>
  );
}
