import path from "node:path";
import type { PluginDescriptor, TText } from "../contract";
import { textOf } from "../contract";
import type { LoadedSet } from "../loader/materialize";
import { setKey, type Manifest } from "../sync/manifest";
import { BUILTIN_SOURCE } from "./builtins";
import { compareVersions } from "./version";

/** A plugin the picker may offer and a plugin host may run. Descriptor data only: no plugin code is loaded here. */
export type RegistryPlugin = PluginDescriptor & {
  /** code@version */
  key: string;
  /** "builtin" or the source's name. */
  source: string;
  /** The set's submodule; null for built-ins. */
  set: string | null;
  /** The import-module entry that exports the plugin; null for built-ins. */
  module: string | null;
};

/**
 * Where a plugin's code is on this instance: the module file a plugin host imports (then finds the export by code
 * + version) and the set's directory, all the host may read. Kept apart from the descriptors, which go to browsers.
 */
export interface PluginLocation {
  file: string;
  root: string;
}

export interface RegistryProblem {
  source: string;
  /** The set's submodule. */
  set: string;
  status: "integrity_failed" | "failed" | "carried_over";
  reason: string;
}

export interface RegistryConflict {
  code: string;
  version: string;
  /** clash: offered by several sets, none loaded; builtin: a set offers a built-in's code@version, the built-in wins. */
  kind: "clash" | "builtin";
  /** The sets involved ("source/submodule"; "builtin" for the app's own). */
  sets: string[];
}

export interface RegistryPluginSummary {
  code: string;
  name: TText;
  description?: TText;
  /** Newest first. */
  versions: string[];
  latest: RegistryPlugin;
  source: string;
}

export interface RegistryGroup {
  code: string;
  name: TText;
  plugins: RegistryPluginSummary[];
}

export interface Registry {
  readonly generation: number | null;
  readonly problems: readonly RegistryProblem[];
  readonly conflicts: readonly RegistryConflict[];
  /** Groups sorted by name, plugins by name (in `locale`, default en); `q` keeps plugins matching every word. */
  list(opts?: { q?: string; locale?: string }): RegistryGroup[];
  /** The exact version, or the latest when `version` is omitted. */
  get(code: string, version?: string): RegistryPlugin | undefined;
  /** A code's versions, newest first (empty when unknown). */
  versions(code: string): string[];
  /** Every plugin, by code then newest version first. */
  all(): readonly RegistryPlugin[];
  /** Where the exact version's code is (undefined for an unknown plugin). Server-side only. */
  locate(code: string, version: string): PluginLocation | undefined;
}

export interface BuildRegistryOptions {
  generation: number | null;
  sets: LoadedSet[];
  manifest: Manifest | null;
  builtins: PluginDescriptor[];
  builtinModuleFile: string;
}

/** The text of a TText for a locale ("zh-CN", then "zh", then en). */
export { textOf };
const allTexts = (t: TText | undefined): string[] => (t === undefined ? [] : typeof t === "string" ? [t] : Object.values(t));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Distinct locales whose sort order is kept; a request with yet another locale is sorted but not remembered. */
const MAX_SORTED_LOCALES = 16;

/**
 * Builds the immutable registry of one generation: the built-ins plus the plugins of every set that loaded
 * (status loaded or carried_over). Plugins listed in `manifest.clashes` or offered by several loaded sets are left
 * out and reported in `conflicts`; so is a set's plugin with a built-in's code@version (the built-in stays).
 * Everything a request needs (versions in order, lower-case search text, the order per locale) is computed here
 * or once per locale, so `list` only filters.
 */
export function buildRegistry(opts: BuildRegistryOptions): Registry {
  const plugins: RegistryPlugin[] = [];
  const problems: RegistryProblem[] = [];
  const conflicts: RegistryConflict[] = [];
  const keyOf = (p: { code: string; version: string }) => `${p.code}@${p.version}`;

  const locations = new Map<string, PluginLocation>();
  const builtinKeys = new Set<string>();
  const builtinLocation = { file: opts.builtinModuleFile, root: path.dirname(opts.builtinModuleFile) };
  for (const d of opts.builtins) {
    if (builtinKeys.has(keyOf(d))) continue;
    builtinKeys.add(keyOf(d));
    plugins.push({ ...structuredClone(d), key: keyOf(d), source: BUILTIN_SOURCE, set: null, module: null });
    locations.set(keyOf(d), builtinLocation);
  }

  const clashed = new Set<string>();
  for (const c of opts.manifest?.clashes ?? []) {
    clashed.add(keyOf(c));
    conflicts.push({ code: c.code, version: c.version, kind: "clash", sets: [...c.sets] });
  }

  const candidates = new Map<string, { plugin: RegistryPlugin; location: PluginLocation }[]>();
  const shadowed = new Map<string, RegistryConflict>();
  for (const set of opts.sets) {
    if (set.status === "integrity_failed" || set.status === "carried_over") {
      problems.push({ source: set.source, set: set.submodule, status: set.status, reason: set.reason ?? "" });
    }
    if (set.status === "integrity_failed") continue;
    const files = new Map(set.entry.modules.map((m) => [m.entry, m.file]));
    for (const { module, ...descriptor } of set.entry.plugins) {
      const key = keyOf(descriptor);
      if (clashed.has(key)) continue;
      if (builtinKeys.has(key)) {
        const c = shadowed.get(key) ?? { code: descriptor.code, version: descriptor.version, kind: "builtin" as const, sets: [BUILTIN_SOURCE] };
        c.sets.push(setKey(set));
        shadowed.set(key, c);
        continue;
      }
      const file = files.get(module);
      if (file === undefined) {
        problems.push({ source: set.source, set: set.submodule, status: "integrity_failed", reason: `plugin ${key}: module "${module}" is not listed by the set` });
        continue;
      }
      const list = candidates.get(key) ?? [];
      // No deep copy: the descriptors belong to the manifest parsed for this load, and are frozen with the registry.
      list.push({ plugin: { ...descriptor, key, source: set.source, set: set.submodule, module }, location: { file: path.join(set.dir, ...file.split("/")), root: set.dir } });
      candidates.set(key, list);
    }
  }
  conflicts.push(...shadowed.values());
  for (const list of candidates.values()) {
    const sets = [...new Set(list.map(({ plugin: p }) => `${p.source}/${p.set}`))];
    const first = list[0];
    // Two loaded sets with one code@version that the manifest does not list as a clash (a hand-made manifest).
    if (sets.length > 1) conflicts.push({ code: first.plugin.code, version: first.plugin.version, kind: "clash", sets });
    else {
      plugins.push(first.plugin);
      locations.set(first.plugin.key, first.location);
    }
  }
  for (const f of opts.manifest?.failed ?? []) problems.push({ source: f.source, set: f.submodule, status: "failed", reason: f.error });
  conflicts.sort((a, b) => a.code.localeCompare(b.code) || compareVersions(a.version, b.version));

  // Per code, versions newest first.
  const byCode = new Map<string, RegistryPlugin[]>();
  for (const p of plugins) {
    const list = byCode.get(p.code);
    if (list) list.push(p);
    else byCode.set(p.code, [p]);
  }
  for (const list of byCode.values()) list.sort((a, b) => compareVersions(b.version, a.version));
  const all = [...byCode.keys()].sort().flatMap((code) => byCode.get(code)!);
  deepFreeze(all);

  // Groups take the name first seen (built-ins first); a code is listed in its latest version's group.
  const groupNames = new Map<string, TText>();
  for (const p of plugins) if (!groupNames.has(p.group.code)) groupNames.set(p.group.code, p.group.name);
  const indexed = [...byCode.values()].map((versions) => {
    const latest = versions[0];
    const summary: RegistryPluginSummary = deepFreeze({
      code: latest.code,
      name: latest.name,
      ...(latest.description !== undefined ? { description: latest.description } : {}),
      versions: versions.map((v) => v.version),
      latest,
      source: latest.source,
    });
    const groupName = groupNames.get(latest.group.code)!;
    const haystack = [
      latest.code,
      latest.group.code,
      ...allTexts(groupName),
      ...versions.flatMap((v) => [...allTexts(v.name), ...allTexts(v.description), ...allTexts(v.group.name)]),
    ]
      .join("\u0000")
      .toLowerCase();
    return { summary, group: latest.group.code, haystack };
  });

  type Sorted = { group: RegistryGroup; items: typeof indexed }[];
  const sortedByLocale = new Map<string, Sorted>();
  const sortedFor = (locale: string): Sorted => {
    const hit = sortedByLocale.get(locale);
    if (hit) return hit;
    let collator: Intl.Collator;
    try {
      collator = new Intl.Collator(locale);
    } catch {
      return sortedFor("en");
    }
    const name = (t: TText) => textOf(t, locale);
    const byGroup = new Map<string, typeof indexed>();
    for (const item of indexed) {
      const items = byGroup.get(item.group);
      if (items) items.push(item);
      else byGroup.set(item.group, [item]);
    }
    const sorted: Sorted = [...byGroup.entries()]
      .map(([code, items]) => {
        items.sort((a, b) => collator.compare(name(a.summary.name), name(b.summary.name)) || (a.summary.code < b.summary.code ? -1 : 1));
        const group = deepFreeze({ code, name: groupNames.get(code)!, plugins: items.map((i) => i.summary) });
        return { group, items };
      })
      .sort((a, b) => collator.compare(name(a.group.name), name(b.group.name)) || (a.group.code < b.group.code ? -1 : 1));
    if (sortedByLocale.size < MAX_SORTED_LOCALES) sortedByLocale.set(locale, sorted);
    return sorted;
  };

  return Object.freeze({
    generation: opts.generation,
    problems: deepFreeze(problems),
    conflicts: deepFreeze(conflicts),
    list({ q, locale }: { q?: string; locale?: string } = {}) {
      const sorted = sortedFor(locale || "en");
      const terms = (q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
      if (terms.length === 0) return sorted.map((s) => s.group);
      const out: RegistryGroup[] = [];
      for (const { group, items } of sorted) {
        const hits = items.filter((i) => terms.every((t) => i.haystack.includes(t)));
        if (hits.length) out.push({ code: group.code, name: group.name, plugins: hits.map((i) => i.summary) });
      }
      return out;
    },
    get(code: string, version?: string) {
      const versions = byCode.get(code);
      return version === undefined ? versions?.[0] : versions?.find((p) => p.version === version);
    },
    versions: (code: string) => byCode.get(code)?.map((p) => p.version) ?? [],
    all: () => all,
    locate: (code: string, version: string) => locations.get(`${code}@${version}`),
  });
}
