"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from "react";
import { Badge, Input, Select, cn } from "@/components/ui";
import { pluginText } from "@/components/sources/source-preview";
import { pickerRows, pushRecent, readRecent, writeRecent, RECENT_GROUP, type PickerRow } from "./picker-rows";
import { searchPlugins, type CatalogPlugin, type PluginCatalog } from "./use-plugin-catalog";

/** The drag payload type when a plugin is dragged onto the canvas. */
export const PLUGIN_DRAG_TYPE = "application/x-opsflow-plugin";

/** Fixed row heights (px): the virtualiser needs no measuring, so a keystroke renders only the rows on screen. */
const HEADER_PX = 30;
const PLUGIN_PX = 64;

const local = () => (typeof window === "undefined" ? undefined : window.localStorage);

/**
 * Searchable plugin list, grouped ("Custom (CUS)"), built-ins and remote sources side by side, virtualised with
 * @tanstack/react-virtual: every match is a row, only those on screen are rendered. Groups collapse (their header
 * is a button); a search opens every group with a match. With a blank search, "Recently used" (this user's last
 * plugins added, kept in this browser's localStorage) comes first. Keyboard: type to filter (name, code, group,
 * description), ↑/↓ to choose, Enter to add (in the version chosen below, latest by default), Escape to clear. A
 * plugin can also be clicked or dragged onto the canvas.
 */
export function NodePicker({
  catalog,
  locale,
  onAdd,
  searchRef,
  userId,
}: {
  catalog: PluginCatalog;
  locale: string;
  onAdd: (code: string, version: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  /** Whose "Recently used" list this is (localStorage, per user and browser). */
  userId: string;
}) {
  const t = useTranslations("editor.picker");
  const tp = useTranslations("nodePicker");
  const id = useId();
  const [q, setQ] = useState("");
  const [active, setActive] = useState(0);
  const [version, setVersion] = useState<string>();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [recent, setRecent] = useState<string[]>([]);
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => setRecent(readRecent(local(), userId)), [userId]);

  const all = useMemo(() => catalog.groups.flatMap((g) => g.plugins), [catalog.groups]);
  const matches = useMemo(() => searchPlugins(all, q), [all, q]);
  const rows = useMemo(() => pickerRows(matches, { query: q, collapsed, recent, byCode: catalog.byCode }), [matches, q, collapsed, recent, catalog.byCode]);
  // The options (plugin rows) in order, and where each sits among the rows.
  const options = useMemo(() => rows.flatMap((r, i) => (r.kind === "plugin" ? [i] : [])), [rows]);
  const activeRow = options.length ? options[Math.min(active, options.length - 1)] : -1;
  const currentRow = activeRow >= 0 ? (rows[activeRow] as Extract<PickerRow, { kind: "plugin" }>) : undefined;
  const current: CatalogPlugin | undefined = currentRow?.plugin;
  const chosenVersion = current && version && current.versions.includes(version) ? version : current?.versions[0];
  const optionId = (r: PickerRow) => `${id}-opt-${r.key}`;

  // The app does not use the React Compiler; the virtualiser re-renders the picker itself when it scrolls.
  // eslint-disable-next-line react-hooks/incompatible-library -- see above
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => listRef.current,
    estimateSize: (i) => (rows[i].kind === "header" ? HEADER_PX : PLUGIN_PX),
    getItemKey: (i) => rows[i].key,
    overscan: 6,
  });

  useEffect(() => {
    if (activeRow >= 0) virtual.scrollToIndex(activeRow, { align: "auto" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- scroll when the active row changes only
  }, [currentRow?.key]);

  const choose = (i: number) => {
    setActive(i);
    setVersion(undefined);
  };

  const add = useCallback(
    (code: string, v: string) => {
      setRecent((list) => {
        const next = pushRecent(list, code);
        writeRecent(local(), userId, next);
        return next;
      });
      onAdd(code, v);
    },
    [onAdd, userId],
  );

  const toggle = (group: string) =>
    setCollapsed((s) => {
      const next = new Set(s);
      if (!next.delete(group)) next.add(group);
      return next;
    });

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (options.length) choose(Math.max(0, Math.min(options.length - 1, active + (e.key === "ArrowDown" ? 1 : -1))));
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (current && chosenVersion) add(current.code, chosenVersion);
    } else if (e.key === "Escape" && q) {
      e.preventDefault();
      setQ("");
      choose(0);
    }
  };

  const groupName = (code: string) => {
    const g = catalog.groups.find((x) => x.code === code);
    return g ? `${pluginText(g.name, locale)} (${g.code})` : code;
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
        aria-activedescendant={currentRow ? optionId(currentRow) : undefined}
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
        <p className="text-xs text-zinc-500" aria-live="polite" data-testid="picker-count">
          {q && !matches.length ? t("none", { q }) : t("count", { count: matches.length })}
        </p>
      )}
      <div
        ref={listRef}
        id={`${id}-list`}
        role="listbox"
        aria-label={t("listLabel")}
        data-count={matches.length}
        className="relative min-h-0 flex-1 overflow-y-auto rounded-md border border-zinc-200 bg-white"
      >
        {/* Only once the list is here (never in the server's HTML: the CSP refuses style attributes there). */}
        {catalog.status === "ready" && (
        <div style={{ height: virtual.getTotalSize() }} className="relative w-full">
          {virtual.getVirtualItems().map((item) => {
            const r = rows[item.index];
            const style = { height: item.size, transform: `translateY(${item.start}px)` };
            if (r.kind === "header") {
              const label = r.group === null ? tp("recent") : groupName(r.group);
              return (
                <div key={r.key} role="presentation" style={style} className="absolute top-0 left-0 w-full border-b border-zinc-100 bg-zinc-50">
                  {q ? (
                    <div className="flex h-full items-center justify-between px-3 text-xs font-semibold text-zinc-600">
                      <span className="truncate">{label}</span>
                      <span className="tabular-nums font-normal">{r.count}</span>
                    </div>
                  ) : (
                    <button
                      type="button"
                      aria-expanded={!r.collapsed}
                      aria-label={r.collapsed ? tp("expand", { group: label, count: r.count }) : tp("collapse", { group: label, count: r.count })}
                      onClick={() => toggle(r.group ?? RECENT_GROUP)}
                      className="flex h-full w-full items-center gap-1.5 px-3 text-left text-xs font-semibold text-zinc-600 hover:bg-zinc-100"
                    >
                      <span aria-hidden="true" className={cn("inline-block w-3 transition-transform", r.collapsed ? "" : "rotate-90")}>›</span>
                      <span className="flex-1 truncate">{label}</span>
                      <span className="tabular-nums font-normal">{r.count}</span>
                    </button>
                  )}
                </div>
              );
            }
            const p = r.plugin;
            const isCurrent = r === currentRow;
            const optionIndex = options.indexOf(item.index);
            const description = p.description ? pluginText(p.description, locale) : "";
            return (
              <div
                key={r.key}
                id={optionId(r)}
                role="option"
                aria-selected={isCurrent}
                aria-posinset={optionIndex + 1}
                aria-setsize={options.length}
                aria-label={`${r.recent ? tp("recent") : groupLabel(p)} - ${pluginText(p.name, locale)} (${p.code})`}
                title={description || undefined}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(PLUGIN_DRAG_TYPE, JSON.stringify({ code: p.code, version: isCurrent ? chosenVersion : p.versions[0] }));
                  e.dataTransfer.effectAllowed = "copy";
                }}
                onMouseEnter={() => optionIndex !== active && choose(optionIndex)}
                onClick={() => add(p.code, isCurrent && chosenVersion ? chosenVersion : p.versions[0])}
                style={style}
                className={cn("absolute top-0 left-0 w-full cursor-pointer overflow-hidden px-3 py-1.5 text-sm", isCurrent ? "bg-indigo-50" : "hover:bg-zinc-50")}
              >
                <div className="flex items-center justify-between gap-2">
                  <span className="truncate font-medium text-zinc-900">{pluginText(p.name, locale)}</span>
                  <Badge tone={p.source === "builtin" ? "indigo" : "neutral"} className="shrink-0">{p.source === "builtin" ? t("builtin") : p.source}</Badge>
                </div>
                <div className="truncate text-xs text-zinc-600" data-testid="picker-description">{description || <span className="text-zinc-400">{tp("noDescription")}</span>}</div>
                <div className="truncate font-mono text-[11px] text-zinc-500">{p.code}@{p.versions[0]}</div>
              </div>
            );
          })}
        </div>
        )}
      </div>
    </div>
  );
}
