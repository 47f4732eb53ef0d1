import { textOf, type TText } from "../contract";
import type { LoadedSet } from "../loader/materialize";
import { setKey } from "../sync/manifest";
import type { CatalogueStatus } from "../../validations/plugin-catalogue";
import type { Registry } from "./registry";

/**
 * The plugins page's catalogue: one row per plugin code (its latest version, the others counted), filtered by
 * words, source, set, group and status, one page at a time. Computed from the registry (descriptors only) on the
 * server, so the browser receives one page of rows and never the whole list.
 */


export interface CatalogueRow {
  code: string;
  name: TText;
  description?: TText;
  group: { code: string; name: TText };
  latest: string;
  versions: number;
  source: string;
  /** The set's submodule; null for built-ins. */
  set: string | null;
  status: CatalogueStatus;
}

export interface CatalogueFilter {
  q?: string;
  source?: string;
  /** "source/submodule". */
  set?: string;
  group?: string;
  status?: CatalogueStatus;
  page?: number;
}

export interface CataloguePage {
  rows: CatalogueRow[];
  /** Rows matching the filter, on every page. */
  total: number;
  page: number;
  pages: number;
  /** The choices of the filter's selects, over every plugin (not only the matching ones). */
  facets: { sources: string[]; sets: string[]; groups: { code: string; name: TText }[] };
}

/** One page of the catalogue (pages count from 1; a page past the end gives the last one). */
export function catalogue(registry: Registry, sets: readonly LoadedSet[], filter: CatalogueFilter, opts: { locale: string; pageSize: number }): CataloguePage {
  const groups = registry.list({ q: filter.q, locale: opts.locale });
  const all = registry.list({ locale: opts.locale });
  const carried = new Set(sets.filter((s) => s.status === "carried_over").map((s) => setKey(s)));
  const matching: CatalogueRow[] = [];
  for (const group of groups) {
    if (filter.group && group.code !== filter.group) continue;
    for (const p of group.plugins) {
      const { latest } = p;
      const set = latest.set === null ? null : `${latest.source}/${latest.set}`;
      const status: CatalogueStatus = set !== null && carried.has(set) ? "lastGood" : "current";
      if (filter.source && latest.source !== filter.source) continue;
      if (filter.set && set !== filter.set) continue;
      if (filter.status && status !== filter.status) continue;
      matching.push({
        code: p.code,
        name: p.name,
        ...(p.description !== undefined ? { description: p.description } : {}),
        group: { code: group.code, name: group.name },
        latest: latest.version,
        versions: p.versions.length,
        source: latest.source,
        set: latest.set,
        status,
      });
    }
  }
  const pages = Math.max(1, Math.ceil(matching.length / opts.pageSize));
  const page = Math.min(Math.max(1, filter.page ?? 1), pages);
  const plugins = all.flatMap((g) => g.plugins.map((p) => p.latest));
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => a.localeCompare(b));
  return {
    rows: matching.slice((page - 1) * opts.pageSize, page * opts.pageSize),
    total: matching.length,
    page,
    pages,
    facets: {
      sources: sorted(plugins.map((p) => p.source)),
      sets: sorted(plugins.filter((p) => p.set !== null).map((p) => `${p.source}/${p.set}`)),
      groups: all.map((g) => ({ code: g.code, name: g.name })).sort((a, b) => textOf(a.name, opts.locale).localeCompare(textOf(b.name, opts.locale), opts.locale)),
    },
  };
}
