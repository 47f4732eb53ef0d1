import type { CatalogPlugin } from "./use-plugin-catalog";

/** A row of the picker's (virtualised) list: a group's header, or a plugin in "Recently used" or in its group. */
export type PickerRow =
  | { kind: "header"; key: string; group: string | null; count: number; collapsed: boolean }
  | { kind: "plugin"; key: string; plugin: CatalogPlugin; recent: boolean };

/** How many recently used plugins the picker keeps and shows. */
export const MAX_RECENT = 5;

/**
 * The picker's rows for these matches (in catalog order, i.e. grouped): with a blank query, "Recently used" first
 * (`recent`, codes newest first, those still in the catalog), then each group's header and, unless the group is
 * collapsed, its plugins. While a query is typed every group with a match is open: a search never hides a match.
 * Every match is a row (no cap): the list is virtualised, so only the rows on screen are in the DOM.
 */
export function pickerRows(matches: readonly CatalogPlugin[], opts: { query: string; collapsed: ReadonlySet<string>; recent: readonly string[]; byCode: ReadonlyMap<string, CatalogPlugin> }): PickerRow[] {
  const rows: PickerRow[] = [];
  const searching = opts.query.trim() !== "";
  if (!searching) {
    const recent = opts.recent.map((c) => opts.byCode.get(c)).filter((p): p is CatalogPlugin => !!p);
    if (recent.length) {
      const collapsed = opts.collapsed.has(RECENT_GROUP);
      rows.push({ kind: "header", key: `h:${RECENT_GROUP}`, group: null, count: recent.length, collapsed });
      if (!collapsed) for (const p of recent) rows.push({ kind: "plugin", key: `r:${p.code}`, plugin: p, recent: true });
    }
  }
  for (let i = 0; i < matches.length; ) {
    const code = matches[i].group.code;
    let j = i;
    while (j < matches.length && matches[j].group.code === code) j++;
    const collapsed = !searching && opts.collapsed.has(code);
    rows.push({ kind: "header", key: `h:${code}`, group: code, count: j - i, collapsed });
    if (!collapsed) for (let k = i; k < j; k++) rows.push({ kind: "plugin", key: `p:${matches[k].code}`, plugin: matches[k], recent: false });
    i = j;
  }
  return rows;
}

/** The collapse key of "Recently used" (no plugin group code has a space). */
export const RECENT_GROUP = " recent";

/** The recently used list after adding `code`: newest first, no duplicates, at most MAX_RECENT. */
export function pushRecent(list: readonly string[], code: string): string[] {
  return [code, ...list.filter((c) => c !== code)].slice(0, MAX_RECENT);
}

/** The browser's localStorage key of one user's recently used plugins. */
export const recentKey = (userId: string) => `opsflow:picker-recent:${userId}`;

/** One user's recently used plugin codes from localStorage; anything unreadable is an empty list. */
export function readRecent(storage: Pick<Storage, "getItem"> | undefined, userId: string): string[] {
  try {
    const v: unknown = JSON.parse(storage?.getItem(recentKey(userId)) ?? "[]");
    return Array.isArray(v) ? v.filter((c): c is string => typeof c === "string" && c.length <= 200).slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function writeRecent(storage: Pick<Storage, "setItem"> | undefined, userId: string, list: readonly string[]): void {
  try {
    storage?.setItem(recentKey(userId), JSON.stringify(list));
  } catch {
    // Storage full or disabled: the list lives for this page only.
  }
}
