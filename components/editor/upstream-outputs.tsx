"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import type { ReferenceSource } from "./input-form";

/** A value from the last run, on one line. */
const preview = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? String(v)));

/**
 * The outputs of the nodes before this one, each a button: a click inserts its reference (a chip) into `target`,
 * the input last focused (the first that takes a reference until one is). Each shows the node's name, the
 * output's label and key, and its value in the last run where the node succeeded.
 */
export function UpstreamOutputs({ references, target, onInsert }: { references: ReferenceSource[]; target: string | undefined; onInsert: (nodeId: string, key: string) => void }) {
  const t = useTranslations("upstreamOutputs");
  const id = useId();
  const outputs = references.flatMap((r) => r.outputs.map((o) => ({ ...o, node: r })));
  if (!outputs.length) return null;
  return (
    <section className="space-y-2 rounded-md border border-zinc-200 bg-zinc-50 p-3" aria-labelledby={`${id}-h`} data-testid="upstream-outputs">
      <div>
        <h4 id={`${id}-h`} className="text-sm font-semibold text-zinc-900">{t("title")}</h4>
        <p className="text-xs text-zinc-600">{target ? t("hint", { field: target }) : t("hintNone")}</p>
      </div>
      <ul className="space-y-1">
        {outputs.map((o) => {
          const has = !!o.node.last && o.key in o.node.last;
          const value = has ? preview(o.node.last![o.key]) : undefined;
          return (
            <li key={`${o.node.nodeId}.${o.key}`}>
              <button
                type="button"
                disabled={!target}
                // The input keeps the focus (and shows no "left the field" error that would move this button).
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onInsert(o.node.nodeId, o.key)}
                aria-label={t("insert", { node: o.node.title, output: o.key, field: target ?? "" })}
                className="flex w-full min-w-0 flex-col items-start rounded-md border border-zinc-200 bg-white px-2 py-1 text-left text-xs hover:border-indigo-300 hover:bg-indigo-50 disabled:opacity-50"
              >
                <span className="flex w-full min-w-0 items-baseline gap-1.5">
                  <span className="truncate font-medium text-zinc-900">{t("name", { node: o.node.title, output: o.label })}</span>
                  <code className="shrink-0 font-mono text-[11px] text-indigo-700">{o.key}</code>
                </span>
                <span className="w-full truncate font-mono text-[11px] text-zinc-500" title={value}>{value === undefined ? t("noValue") : t("lastValue", { value })}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
