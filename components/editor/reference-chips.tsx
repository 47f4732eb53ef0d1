"use client";

import { useTranslations } from "next-intl";
import { referencesIn, referenceText } from "@/lib/processes/templates";
import type { ReferenceSource } from "./input-form";
import { withoutReference } from "./reference-text";

/** A value from the last run, short enough for a chip (the whole of it in the tooltip). */
const previewOf = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v) ?? String(v));

/**
 * The references in one input's value as chips — the earlier node's name and the output's key, the raw
 * `{{nodes.<id>.outputs.<key>}}` as the tooltip, and the value it had in the last successful run — each with a button that takes it out of the value. A reference
 * to a node that is not upstream (or no longer exists) is shown in red with the node's id.
 */
export function ReferenceChips({ value, field, references, onChange }: { value: unknown; field: string; references: ReferenceSource[]; onChange: (next: string) => void }) {
  const t = useTranslations("editor.inspector");
  const refs = referencesIn(value);
  if (!refs.length) return null;
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label={t("referencesIn", { field })} data-testid="reference-chips">
      {refs.map((r, i) => {
        const source = references.find((s) => s.nodeId === r.nodeId);
        const known = source?.outputs.some((o) => o.key === r.key);
        const raw = referenceText(r.nodeId, r.key);
        const text = t("referenceChip", { node: source?.title ?? r.nodeId, output: r.key });
        const last = source?.last && r.key in source.last ? previewOf(source.last[r.key]) : undefined;
        return (
          <li
            key={`${raw}-${i}`}
            title={raw}
            className={
              known
                ? "inline-flex items-center gap-1 rounded-full border border-indigo-200 bg-indigo-50 py-0.5 pr-1 pl-2 text-xs text-indigo-800"
                : "inline-flex items-center gap-1 rounded-full border border-red-200 bg-red-50 py-0.5 pr-1 pl-2 text-xs text-red-800"
            }
          >
            <span>{text}</span>
            {last !== undefined && <span className="max-w-32 truncate font-mono text-[11px] opacity-75" title={t("referenceLast", { value: last })}>{t("referenceValue", { value: last })}</span>}
            <button type="button" className="rounded-full px-1 leading-none hover:bg-white/70" aria-label={t("removeReference", { ref: text, field })} onClick={() => onChange(withoutReference(String(value), r.nodeId, r.key))}>
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
