import { useTranslations } from "next-intl";
import { StatusBadge } from "@/components/sync/status-badge";
import { Alert, Card, CardBody, CardHeader, Table, TBody, TD, TH, THead, TR } from "@/components/ui";
import type { LoadedSet } from "@/lib/plugins/loader/materialize";
import type { RegistryConflict, RegistryProblem } from "@/lib/plugins/registry/registry";

/** Sets listed open up to this many; more, and the ones that loaded fold into a <details> (failed ones stay out). */
const OPEN_MAX = 10;

type Row = { key: string; version: string; status: string; reason: string };

/**
 * The plugin sets of the served generation. A set with no usable copy has no manifest entry, so its version is
 * the one configured for it (the sources page), marked as such. Each reason is shown once.
 */
export function SetsCard({ sets, problems, conflicts, configured }: { sets: readonly LoadedSet[]; problems: readonly RegistryProblem[]; conflicts: readonly RegistryConflict[]; configured: Map<string, string> }) {
  const t = useTranslations("catalogue");
  const loaded: Row[] = sets.map((s) => ({ key: `${s.source}/${s.submodule}`, version: s.entry.version, status: s.status, reason: s.reason ?? s.entry.reason ?? "" }));
  const failed: Row[] = problems
    .filter((p) => p.status === "failed")
    .map((p) => {
      const key = `${p.source}/${p.set}`;
      const version = configured.get(key);
      return { key, version: version === undefined ? "—" : t("configuredVersion", { version }), status: "failed", reason: p.reason };
    });
  const bad = [...failed, ...loaded.filter((r) => r.status !== "loaded")];
  const good = loaded.filter((r) => r.status === "loaded");
  const table = (rows: Row[], testId: string) => (
    <Table data-testid={testId}>
      <THead>
        <TR>
          <TH>{t("colSet")}</TH>
          <TH>{t("colSetVersion")}</TH>
          <TH>{t("colStatus")}</TH>
          <TH>{t("colReason")}</TH>
        </TR>
      </THead>
      <TBody>
        {rows.map((r) => (
          <TR key={`${r.status}-${r.key}`}>
            <TD className="font-mono text-xs">{r.key}</TD>
            <TD className="text-sm">{r.version}</TD>
            <TD><StatusBadge status={r.status} /></TD>
            <TD className="max-w-lg break-all text-xs text-red-700">{r.reason}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
  return (
    <Card>
      <CardHeader title={t("setsTitle", { count: loaded.length + failed.length })} />
      <CardBody className="space-y-3">
        {bad.length > 0 && table(bad, "problem-sets")}
        {good.length > 0 &&
          (loaded.length + failed.length <= OPEN_MAX ? (
            table(good, "loaded-sets")
          ) : (
            // Many sets: a folded plain list (one short line each) rather than a table, to keep the page small.
            <details data-testid="loaded-sets">
              <summary className="cursor-pointer text-sm text-zinc-600">{t("loadedSets", { count: good.length })}</summary>
              <ul className="mt-2 grid gap-x-6 font-mono text-xs sm:grid-cols-2 lg:grid-cols-3">
                {good.map((r) => <li key={r.key}>{r.key} · {r.version}</li>)}
              </ul>
            </details>
          ))}
        {conflicts.length > 0 && (
          <Alert tone="warning" title={t("conflicts")}>
            <ul>
              {conflicts.map((c) => (
                <li key={`${c.code}@${c.version}`}>{t("conflictLine", { plugin: `${c.code}@${c.version}`, sets: c.sets.join(", ") })}</li>
              ))}
            </ul>
          </Alert>
        )}
      </CardBody>
    </Card>
  );
}
