/**
 * A source's allow and deny lists, applied at sync to the plugins a set's modules describe. An entry is a plugin
 * code pattern ("acme_*", "cus_test_1") or "group:" and a group code pattern ("group:CUS"); `*` stands for any
 * run of characters (and is the only wildcard), matching ignores case. A plugin matching any deny entry is
 * refused; when the allow list is not empty, a plugin matching none of its entries is refused too. Refused
 * plugins are left out of the generation and listed with the reason.
 */

export interface PluginFilter {
  allow: string[];
  deny: string[];
}

export interface RefusedPlugin {
  code: string;
  version: string;
  group: string;
  /** denied: matched `pattern` of the deny list; not_allowed: matched no entry of the allow list. */
  reason: "denied" | "not_allowed";
  pattern?: string;
}

/**
 * Whether `text` matches `pattern` (`*` = any run of characters, everything else literal, case ignored). The
 * classic two-pointer wildcard match: O(pattern × text) at worst, where a regex built from an admin's "a*a*a*…b"
 * could backtrack for ages.
 */
export function globMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < t.length) {
    if (i < p.length && p[i] !== "*" && p[i] === t[j]) {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (p[i] === "*") i++;
  return i === p.length;
}

/** Whether an entry matches a plugin (by code, or by group code for "group:" entries). */
function matches(entry: string, plugin: { code: string; group: { code: string } }): boolean {
  return entry.startsWith("group:") ? globMatch(entry.slice("group:".length), plugin.group.code) : globMatch(entry, plugin.code);
}

/** Whether the filter refuses anything at all (an empty one keeps every plugin). */
export const filters = (f: PluginFilter | undefined): f is PluginFilter => Boolean(f && (f.allow.length || f.deny.length));

/** Splits described plugins into the kept and the refused (with the reason), in their order. */
export function filterPlugins<T extends { code: string; version: string; group: { code: string } }>(
  plugins: T[],
  filter: PluginFilter | undefined,
): { kept: T[]; refused: RefusedPlugin[] } {
  if (!filters(filter)) return { kept: plugins, refused: [] };
  const kept: T[] = [];
  const refused: RefusedPlugin[] = [];
  for (const plugin of plugins) {
    const about = { code: plugin.code, version: plugin.version, group: plugin.group.code };
    const denied = filter.deny.find((entry) => matches(entry, plugin));
    if (denied) refused.push({ ...about, reason: "denied", pattern: denied });
    else if (filter.allow.length && !filter.allow.some((entry) => matches(entry, plugin))) refused.push({ ...about, reason: "not_allowed" });
    else kept.push(plugin);
  }
  return { kept, refused };
}
