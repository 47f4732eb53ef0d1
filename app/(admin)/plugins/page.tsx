import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { VerifiedSigner } from "@/components/sync/verified-signer";
import { ActivationFollower } from "@/components/plugins/activation-follower";
import { CatalogueFilter } from "@/components/plugins/catalogue-filter";
import { CatalogueTable } from "@/components/plugins/catalogue-table";
import { ConfinementCard } from "@/components/plugins/confinement-card";
import { GenerationButton } from "@/components/plugins/generation-actions";
import { SetsCard } from "@/components/plugins/sets-card";
import { StatusBadge } from "@/components/sync/status-badge";
import { Alert, Badge, Card, CardBody, CardHeader, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { catalogue } from "@/lib/plugins/registry/catalogue";
import { catalogueView } from "@/lib/plugins/registry/catalogue-view";
import { offeredPlugins } from "@/lib/plugins/registry/generation-diff";
import { BUILTIN_SOURCE } from "@/lib/plugins/registry/builtins";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findRollbackTarget } from "@/lib/server/generations/activate-generation";
import { findGenerations } from "@/lib/server/generations/find-generations";
import { findConfiguredVersions } from "@/lib/server/plugins/find-configured-versions";
import { hostSettings } from "@/lib/server/runtime/host-settings";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { activationState, getRuntimeStatus } from "@/lib/server/runtime/status";
import { CATALOGUE_PAGE_SIZE, parseCatalogueQuery } from "@/lib/validations/plugin-catalogue";

export const dynamic = "force-dynamic";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * What this instance serves and why anything is missing; the catalogue of its plugins (searched, filtered and
 * paged on the server from the URL, so one page of rows is sent); the generations to activate or roll back to.
 */
export default async function PluginsPage({ searchParams }: { searchParams: SearchParams }) {
  if (!(await pageUser("admin"))) return null;
  const [t, tc, format, locale, generations, rollback, configured, params] = await Promise.all([
    getTranslations("plugins"),
    getTranslations("catalogue"),
    getFormatter(),
    getLocale(),
    findGenerations(),
    findRollbackTarget(),
    findConfiguredVersions(),
    searchParams,
  ]);
  const runtime = getRuntime();
  const status = getRuntimeStatus();
  const manifest = runtime.loaded?.manifest ?? null;
  const sets = runtime.loaded?.sets ?? [];
  const { query, invalid } = parseCatalogueQuery(params);
  const result = catalogue(runtime.registry, sets, query, { locale, pageSize: CATALOGUE_PAGE_SIZE });
  const builtins = runtime.registry.all().filter((p) => p.source === BUILTIN_SOURCE).length;
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} actions={rollback ? <GenerationButton kind="rollback" id={rollback} /> : undefined} />
      <ActivationFollower state={activationState(status)} />
      {status.pending ? (
        <Alert tone="warning" title={t("pendingTitle")} data-testid="activation-pending">
          {t("pending", { id: status.pending.generation, reason: status.pending.reason, serving: runtime.generation === null ? "none" : String(runtime.generation) })}
        </Alert>
      ) : (
        status.problem && <Alert tone="error" title={t("problemTitle")}>{status.problem}</Alert>
      )}
      {status.loading !== null && !status.pending && <Alert tone="info" data-testid="activation-loading">{t("switching", { id: status.loading })}</Alert>}

      <Card>
        <CardHeader title={t("serving")} />
        <CardBody className="space-y-3 text-sm">
          {runtime.generation === null ? (
            <p className="text-zinc-600">{t("builtinsOnly")}</p>
          ) : (
            <>
              <p data-testid="serving-generation">
                {tc("servingSummary", {
                  id: runtime.generation,
                  at: format.dateTime(new Date(manifest!.createdAt), { dateStyle: "medium", timeStyle: "medium" }),
                  origin: status.origin,
                  plugins: offeredPlugins(manifest!).size,
                  builtins,
                })}
              </p>
              <p className="break-all font-mono text-xs text-zinc-500" data-testid="manifest-digest">{t("manifestDigest", { digest: runtime.manifestSha256! })}</p>
              <ul className="space-y-1">
                {manifest!.sources.map((s) => (
                  <li key={s.name} className="flex flex-wrap items-center gap-x-2 gap-y-1">
                    <span className="font-medium">{s.name}</span> <Badge>{s.kind}</Badge>
                    <span className="font-mono text-xs text-zinc-600">{s.revision?.slice(0, 12) ?? "—"}</span>
                    <VerifiedSigner signer={s.signer} label={t("verified", { name: s.signer?.name ?? "" })} />
                    <StatusBadge status={s.status} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </CardBody>
      </Card>

      <Card>
        <CardHeader title={tc("title")} description={tc("description")} />
        <CardBody className="space-y-4">
          <CatalogueFilter query={query} facets={result.facets} locale={locale} />
          {invalid.length > 0 && <Alert tone="warning" data-testid="catalogue-invalid">{tc("invalidParams", { names: invalid.join(", ") })}</Alert>}
          <CatalogueTable {...catalogueView(result, query, locale)} />
        </CardBody>
      </Card>

      <SetsCard sets={sets} problems={runtime.registry.problems} conflicts={runtime.registry.conflicts} configured={configured} />

      <ConfinementCard confinement={hostSettings().confinement} />

      <Card>
        <CardHeader title={t("generations")} />
        <CardBody>
          <Table>
            <THead>
              <TR>
                <TH>{t("colGeneration")}</TH>
                <TH>{t("colCreated")}</TH>
                <TH>{t("colContent")}</TH>
                <TH>{t("colStatus")}</TH>
                <TH><span className="sr-only">{t("colActions")}</span></TH>
              </TR>
            </THead>
            <TBody>
              {generations.map((gen) => (
                <TR key={gen.id} data-testid={`generation-${gen.id}`}>
                  <TD className="font-medium">#{gen.id}</TD>
                  <TD className="text-sm">{format.dateTime(new Date(gen.createdAt), { dateStyle: "medium", timeStyle: "medium" })}</TD>
                  <TD className="text-sm">{tc("content", { plugins: gen.plugins, sets: gen.sets, problems: gen.problems })}</TD>
                  <TD>{gen.status === "active" ? <Badge tone="green">{t("active")}</Badge> : <Badge>{t("ready")}</Badge>}</TD>
                  <TD className="text-right">{gen.status === "ready" && <GenerationButton id={gen.id} kind="activate" />}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </CardBody>
      </Card>
    </div>
  );
}
