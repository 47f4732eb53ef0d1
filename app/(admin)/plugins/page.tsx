import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { VerifiedSigner } from "@/components/sync/verified-signer";
import { ActivationFollower } from "@/components/plugins/activation-follower";
import { ConfinementCard } from "@/components/plugins/confinement-card";
import { GenerationButton } from "@/components/plugins/generation-actions";
import { StatusBadge } from "@/components/sync/status-badge";
import { Alert, Badge, Card, CardBody, CardHeader, PageHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import { pageUser } from "@/lib/server/auth/page-guard";
import { findRollbackTarget } from "@/lib/server/generations/activate-generation";
import { findGenerations } from "@/lib/server/generations/find-generations";
import { textOf } from "@/lib/plugins/registry/registry";
import { hostSettings } from "@/lib/server/runtime/host-settings";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { activationState, getRuntimeStatus } from "@/lib/server/runtime/status";

export const dynamic = "force-dynamic";

/** What this instance serves and why anything is missing, plus the generations to activate or roll back to. */
export default async function PluginsPage() {
  if (!(await pageUser("admin"))) return null;
  const [t, format, locale, generations, rollback] = await Promise.all([
    getTranslations("plugins"),
    getFormatter(),
    getLocale(),
    findGenerations(),
    findRollbackTarget(),
  ]);
  const runtime = getRuntime();
  const status = getRuntimeStatus();
  const manifest = runtime.loaded?.manifest ?? null;
  const plugins = runtime.registry.all();
  return (
    <div className="space-y-6">
      <PageHeader title={t("title")} description={t("description")} actions={rollback ? <GenerationButton kind="rollback" /> : undefined} />
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
                {t("servingSummary", {
                  id: runtime.generation,
                  at: format.dateTime(new Date(manifest!.createdAt), { dateStyle: "medium", timeStyle: "medium" }),
                  origin: status.origin,
                  plugins: plugins.length,
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

      <ConfinementCard confinement={hostSettings().confinement} />

      <Card>
        <CardHeader title={t("sets")} />
        <CardBody>
          <Table>
            <THead>
              <TR>
                <TH>{t("colSet")}</TH>
                <TH>{t("colVersion")}</TH>
                <TH>{t("colStatus")}</TH>
                <TH>{t("colReason")}</TH>
              </TR>
            </THead>
            <TBody>
              {(runtime.loaded?.sets ?? []).map((s) => (
                <TR key={`${s.source}/${s.submodule}`}>
                  <TD className="font-mono text-xs">{s.source}/{s.submodule}</TD>
                  <TD className="text-sm">{s.entry.version}</TD>
                  <TD><StatusBadge status={s.status} /></TD>
                  <TD className="max-w-lg break-all text-xs text-red-700">{s.reason ?? s.entry.reason ?? ""}</TD>
                </TR>
              ))}
              {runtime.registry.problems
                .filter((p) => p.status === "failed")
                .map((p) => (
                  <TR key={`failed-${p.source}/${p.set}`}>
                    <TD className="font-mono text-xs">{p.source}/{p.set}</TD>
                    <TD>—</TD>
                    <TD><StatusBadge status="failed" /></TD>
                    <TD className="max-w-lg break-all text-xs text-red-700">{p.reason}</TD>
                  </TR>
                ))}
            </TBody>
          </Table>
          {runtime.registry.conflicts.length > 0 && (
            <Alert tone="warning" title={t("conflicts")} className="mt-4">
              <ul>
                {runtime.registry.conflicts.map((c) => (
                  <li key={`${c.code}@${c.version}`}>{t("conflictLine", { plugin: `${c.code}@${c.version}`, sets: c.sets.join(", ") })}</li>
                ))}
              </ul>
            </Alert>
          )}
        </CardBody>
      </Card>

      <Card>
        <CardHeader title={t("pluginsTitle", { count: plugins.length })} />
        <CardBody>
          <Table>
            <THead>
              <TR>
                <TH>{t("colPlugin")}</TH>
                <TH>{t("colGroup")}</TH>
                <TH>{t("colVersion")}</TH>
                <TH>{t("colSource")}</TH>
              </TR>
            </THead>
            <TBody>
              {plugins.map((p) => (
                <TR key={p.key}>
                  <TD><span className="font-medium">{textOf(p.name, locale)}</span> <span className="font-mono text-xs text-zinc-500">{p.code}</span></TD>
                  <TD className="text-sm">{textOf(p.group.name, locale)} ({p.group.code})</TD>
                  <TD className="text-sm">{p.version}</TD>
                  <TD className="font-mono text-xs">{p.source}{p.set ? `/${p.set}` : ""}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </CardBody>
      </Card>

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
                <TR key={gen.id}>
                  <TD className="font-medium">#{gen.id}</TD>
                  <TD className="text-sm">{format.dateTime(new Date(gen.createdAt), { dateStyle: "medium", timeStyle: "medium" })}</TD>
                  <TD className="text-sm">{t("content", { plugins: gen.plugins, sets: gen.sets, problems: gen.problems })}</TD>
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
