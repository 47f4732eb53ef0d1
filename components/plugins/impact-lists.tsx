import Link from "next/link";
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui";
import type { ActivationImpact } from "@/lib/server/generations/find-activation-impact";
import type { PluginChange } from "@/lib/plugins/registry/generation-diff";

/** The plugins that change and the processes that break, as the activation dialog shows them. */
export function ImpactLists({ impact }: { impact: ActivationImpact }) {
  const t = useTranslations("activationImpact");
  const versions = (list: string[]) => list.join(", ");
  const section = (kind: "added" | "removed" | "changed", list: PluginChange[], line: (c: PluginChange) => string) =>
    list.length > 0 && (
      <section aria-labelledby={`impact-${kind}`} data-testid={`impact-${kind}`}>
        <h3 id={`impact-${kind}`} className="text-sm font-medium">{t(kind, { count: list.length })}</h3>
        <ul className="mt-1 max-h-40 space-y-0.5 overflow-y-auto text-sm">
          {list.map((c) => (
            <li key={c.code} className="break-all">
              <Link href={`/plugins/${encodeURIComponent(c.code)}`} className="font-mono text-xs text-indigo-700 hover:underline">{c.code}</Link>{" "}
              <span className="text-zinc-600">{line(c)}</span>
            </li>
          ))}
        </ul>
      </section>
    );
  const nothing = !impact.added.length && !impact.removed.length && !impact.changed.length;
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600">
        {impact.from === null ? t("comparedWithNone") : t("comparedWith", { from: impact.from })}
      </p>
      {nothing && <p className="text-sm">{t("noChange")}</p>}
      {section("added", impact.added, (c) => versions(c.after))}
      {section("removed", impact.removed, (c) => versions(c.before))}
      {section("changed", impact.changed, (c) => t("changedLine", { before: versions(c.before), after: versions(c.after) }))}
      {impact.processes.length > 0 ? (
        <section aria-labelledby="impact-processes" data-testid="impact-processes" className="rounded-md border border-red-200 bg-red-50 p-3">
          <h3 id="impact-processes" className="text-sm font-medium text-red-800">{t("breaks", { count: impact.processes.length })}</h3>
          <ul className="mt-1 max-h-48 space-y-1 overflow-y-auto text-sm">
            {impact.processes.map((p) => (
              <li key={p.id} className="flex flex-wrap items-baseline gap-x-2">
                <Link href={`/editor/${p.id}`} className="font-medium text-indigo-700 hover:underline">{p.name}</Link>
                {p.owner && <span className="text-xs text-zinc-600">{t("owner", { owner: p.owner })}</span>}
                {p.plugins.map((k) => <Badge key={k} tone="red" className="font-mono">{k}</Badge>)}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        impact.removedVersions.length > 0 && <p className="text-sm text-green-700" data-testid="impact-no-processes">{t("breaksNone")}</p>
      )}
    </div>
  );
}
