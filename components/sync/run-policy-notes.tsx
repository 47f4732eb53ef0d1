"use client";

import { useTranslations } from "next-intl";
import { Alert, Card, CardBody, CardHeader } from "@/components/ui";
import type { RefusedPlugin } from "@/lib/plugins/sync/plugin-filter";
import type { SyncRunDetail } from "@/lib/server/sync/find-sync-runs";

/**
 * What the sources' policies did to a run: why its generation was not activated (an activation policy) and which
 * plugins their allow/deny lists left out, per source and set, with the reason.
 */
export function RunPolicyNotes({ run }: { run: SyncRunDetail }) {
  const t = useTranslations("sourcePolicy");
  const blocks = run.notActivated ?? [];
  const refused = run.results.flatMap((r) =>
    ((r.sets ?? []) as { submodule: string; refused?: RefusedPlugin[] }[]).flatMap((s) => (s.refused ?? []).map((p) => ({ ...p, source: r.sourceName, set: s.submodule }))),
  );
  return (
    <>
      {blocks.length > 0 && (
        <Alert tone="warning" title={t("notActivatedTitle")}>
          <ul className="space-y-1" data-testid="not-activated">
            {blocks.map((b) => (
              <li key={b.source}>{t(b.policy === "never" ? "notActivated_never" : "notActivated_clean", { source: b.source })}</li>
            ))}
          </ul>
        </Alert>
      )}
      {refused.length > 0 && (
        <Card>
          <CardHeader title={t("refusedTitle")} description={t("refusedDescription")} />
          <CardBody>
            <ul className="divide-y divide-zinc-100 text-sm" data-testid="refused-plugins">
              {refused.map((p) => (
                <li key={`${p.source}/${p.set}/${p.code}@${p.version}`} className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-2 first:pt-0 last:pb-0">
                  <span className="font-mono text-xs font-medium text-zinc-900">{p.code}@{p.version}</span>
                  <span className="text-xs text-zinc-500">{t("groupOf", { group: p.group, source: p.source, set: p.set })}</span>
                  <span className="basis-full text-amber-800 sm:ml-auto sm:basis-auto">
                    {p.reason === "denied" ? t("refused_denied", { pattern: p.pattern ?? "" }) : t("refused_not_allowed")}
                  </span>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      )}
    </>
  );
}
