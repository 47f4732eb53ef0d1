"use client";

import { useTranslations } from "next-intl";
import { StatusBadge } from "./status-badge";

export type SetRow = { submodule: string; status: string; plugins: number; error?: string };

/** More sets than this, and a source's sets that did not fail start collapsed. */
export const OPEN_SETS_MAX = 5;

/**
 * A source's sets in a sync run: failed ones always shown with their reason; the others in a <details> (works
 * without JavaScript) that starts collapsed when there are many, its summary counting them. A failed source's
 * error is shown once, above its sets, and not again beside each set it failed (they carry the same reason).
 */
export function RunSets({ sets, error }: { sets: SetRow[]; error?: string | null }) {
  const t = useTranslations("runSets");
  const failed = sets.filter((s) => s.status === "failed");
  const rest = sets.filter((s) => s.status !== "failed");
  const item = (s: SetRow) => (
    <li key={s.submodule}>
      <span className="font-mono text-xs">{s.submodule}</span> <StatusBadge status={s.status} />{" "}
      <span className="text-zinc-500">{t("plugins", { count: s.plugins })}</span>
      {s.error && s.error !== error && <p className="break-all text-xs text-red-700">{s.error}</p>}
    </li>
  );
  return (
    <div className="space-y-1 text-sm">
      {error && <p className="break-all text-xs text-red-700" data-testid="source-error">{error}</p>}
      {failed.length > 0 && <ul className="space-y-1" data-testid="failed-sets">{failed.map(item)}</ul>}
      {rest.length > 0 && (
        <details open={sets.length <= OPEN_SETS_MAX} data-testid="run-sets">
          <summary className="cursor-pointer text-zinc-600">
            {t("summary", { count: rest.length, plugins: rest.reduce((n, s) => n + s.plugins, 0) })}
          </summary>
          <ul className="mt-1 space-y-1">{rest.map(item)}</ul>
        </details>
      )}
    </div>
  );
}
