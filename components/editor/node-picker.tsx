"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useMemo, useState, type KeyboardEvent, type RefObject } from "react";
import { Badge, Input, Select, cn } from "@/components/ui";
import { pluginText } from "@/components/sources/source-preview";
import { searchPlugins, type CatalogPlugin, type PluginCatalog } from "./use-plugin-catalog";

/** Rendering more rows than this helps nobody; the search narrows it down. */
const MAX_SHOWN = 100;

/** The drag payload type when a plugin is dragged onto the canvas. */
export const PLUGIN_DRAG_TYPE = "application/x-opsflow-plugin";

/**
 * Searchable plugin list, grouped ("Custom (CUS)"), built-ins and remote sources side by side. Keyboard: type to
 * filter (name, code, group, description), ↑/↓ to choose, Enter to add (in the version chosen below, latest by
 * default), Escape to clear. A plugin can also be clicked or dragged onto the canvas.
 */
export function NodePicker({
  catalog,
  locale,
  onAdd,
  searchRef,
}: {
  catalog: PluginCatalog;
  locale: string;
  onAdd: (code: string, version: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const t = useTranslations("editor.picker");
  const id = useId();
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const [version, setVersion] = useState<string>();

  const all = useMemo(() => catalog.groups.flatMap((g) => g.plugins), [catalog.groups]);
  const matches = useMemo(() => searchPlugins(all, q), [all, q]);
  const shown = matches.slice(0, MAX_SHOWN);
  const current: CatalogPlugin | undefined = shown[Math.min(active, shown.length - 1)];
  const chosenVersion = current && version && current.versions.includes(version) ? version : current?.versions[0];
  const optionId = (p: CatalogPlugin) => `${id}-opt-${p.code}`;

  useEffect(() => {
    if (current) document.getElementById(optionId(current))?.scrollIntoView({ block: "nearest" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- scroll when the active row changes only
  }, [current?.code]);

  const choose = (i: number) => {
    setActive(i);
    setVersion(undefined);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (shown.length) choose(Math.max(0, Math.min(shown.length - 1, active + (e.key === "ArrowDown" ? 1 : -1))));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (current && chosenVersion) onAdd(current.code, chosenVersion);
    } else if (e.key === "Escape" && q) {
      e.preventDefault();
      setQ("");
      choose(0);
    }
  };

  // "Custom (CUS)": the group's own name and code, as plugin authors write them.
  const groupLabel = (p: CatalogPlugin) => `${pluginText(p.group.name, locale)} (${p.group.code})`;

  return (
    <div className="flex h-full min-h-0 flex-col gap-2" data-testid="node-picker">
      <label htmlFor={`${id}-search`} className="text-sm font-semibold text-zinc-900">{t("title")}</label>
      <Input
        ref={searchRef}
        id={`${id}-search`}
        type="search"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={current ? optionId(current) : undefined}
        aria-describedby={`${id}-hint`}
        placeholder={t("searchPlaceholder")}
        autoComplete="off"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          choose(0);
        }}
        onKeyDown={onKeyDown}
      />
      <p id={`${id}-hint`} className="text-xs text-zinc-500">{t("hint")}</p>
      {current && current.versions.length > 1 && (
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <label htmlFor={`${id}-version`} className="text-xs text-zinc-600">{t("versionOf", { name: pluginText(current.name, locale) })}</label>
          {/* its own width (the longest option, "2.1.0（最新）" too), on a line of its own when the label is long */}
          <Select id={`${id}-version`} className="h-8 w-auto max-w-full text-xs" value={chosenVersion} onChange={(e) => setVersion(e.target.value)}>
            {current.versions.map((v, i) => (
              <option key={v} value={v}>{i === 0 ? t("latest", { version: v }) : v}</option>
            ))}
          </Select>
        </div>
      )}
      {catalog.status === "loading" && <p className="text-sm text-zinc-500">{t("loading")}</p>}
      {catalog.status === "error" && <p className="text-sm text-red-600" role="alert">{t("loadError")}</p>}
      {catalog.status === "ready" && (
        <p className="text-xs text-zinc-500" aria-live="polite">
          {matches.length > shown.length ? t("capped", { shown: shown.length, count: matches.length }) : q && !matches.length ? t("none", { q }) : t("count", { count: matches.length })}
        </p>
      )}
      <div id={`${id}-list`} role="listbox" aria-label={t("listLabel")} className="min-h-0 flex-1 overflow-y-auto rounded-md border border-zinc-200 bg-white">
        {shown.map((p, i) => (
          <div key={p.code}>
            {(i === 0 || shown[i - 1].group.code !== p.group.code) && (
              <div role="presentation" className="sticky top-0 border-b border-zinc-100 bg-zinc-50 px-3 py-1 text-xs font-semibold text-zinc-600">
                {groupLabel(p)}
              </div>
            )}
            <div
              id={optionId(p)}
              role="option"
              aria-selected={p === current}
              aria-label={`${groupLabel(p)} - ${pluginText(p.name, locale)} (${p.code})`}
              draggable
              onDragStart={(e) => {
                e.dataTransfer.setData(PLUGIN_DRAG_TYPE, JSON.stringify({ code: p.code, version: p === current ? chosenVersion : p.versions[0] }));
                e.dataTransfer.effectAllowed = "copy";
              }}
              onMouseEnter={() => i !== active && choose(i)}
              onClick={() => onAdd(p.code, p === current && chosenVersion ? chosenVersion : p.versions[0])}
              className={cn("cursor-pointer px-3 py-1.5 text-sm", p === current ? "bg-indigo-50" : "hover:bg-zinc-50")}
            >
              <div className="flex items-center justify-between gap-2">
                <span className="truncate font-medium text-zinc-900">{pluginText(p.name, locale)}</span>
                <Badge tone={p.source === "builtin" ? "indigo" : "neutral"} className="shrink-0">{p.source === "builtin" ? t("builtin") : p.source}</Badge>
              </div>
              <div className="truncate font-mono text-[11px] text-zinc-500">{p.code}@{p.versions[0]}</div>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
