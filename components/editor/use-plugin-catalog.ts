"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import useSWR from "swr";
import type { PluginDescriptor, TText } from "@/lib/plugins/contract";
import type { RegistryGroup } from "@/lib/plugins/registry/registry";
import type { PluginLookup } from "@/lib/processes/validate-graph";

/** A plugin as the picker lists it (its latest version's descriptor), with its lower-case search text. */
export interface CatalogPlugin {
  code: string;
  name: TText;
  description?: TText;
  /** Newest first. */
  versions: string[];
  source: string;
  group: { code: string; name: TText };
  latest: PluginDescriptor;
  search: string;
}

export interface CatalogGroup {
  code: string;
  name: TText;
  plugins: CatalogPlugin[];
}

export interface PluginCatalog {
  status: "loading" | "ready" | "error";
  /** The generation the server serves (null: built-ins only). */
  generation: number | null;
  groups: CatalogGroup[];
  byCode: Map<string, CatalogPlugin>;
  /** A version's descriptor: loaded, null when the server does not have it, undefined while unknown. */
  descriptor(code: string, version: string): PluginDescriptor | null | undefined;
  /** Fetches the descriptors of these versions (once each). */
  ensure(refs: { code: string; version: string }[]): void;
  /** Resolves when the version's descriptor is known. */
  load(code: string, version: string): Promise<PluginDescriptor | null>;
  /** For validateGraph: loaded descriptors, and versions from the list. */
  lookup: PluginLookup;
}

const texts = (t: TText | undefined) => (t === undefined ? [] : typeof t === "string" ? [t] : Object.values(t));

/**
 * The plugins the server offers, fetched once per editor (`GET /api/plugins`, through SWR) and searched in the browser: each
 * plugin's search text is built once, so filtering 1,000 plugins is a pass of `includes`. Versions other than the
 * latest are fetched on demand (`GET /api/plugins/{code}?version=`).
 */
export function usePluginCatalog(locale: string): PluginCatalog {
  // The list, once per editor and locale: SWR fetches it, keeps it while the editor is open and retries a failure.
  const list = useSWR(`/api/plugins?locale=${encodeURIComponent(locale)}`, fetchListing, {
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
    revalidateIfStale: false,
  });
  const status: PluginCatalog["status"] = list.data ? "ready" : list.error ? "error" : "loading";
  const generation = list.data?.generation ?? null;
  const groups = useMemo(() => list.data?.groups ?? [], [list.data]);
  // Other versions' descriptors, fetched on demand (once each); the listed latest versions are known from the list.
  const [fetched, setFetched] = useState<Map<string, PluginDescriptor | null>>(new Map());
  const pending = useRef(new Map<string, Promise<PluginDescriptor | null>>());
  const descriptors = useMemo(
    () => new Map([...groups.flatMap((g) => g.plugins.map((p) => [`${p.code}@${p.latest.version}`, p.latest] as const)), ...fetched]),
    [groups, fetched],
  );

  const byCode = useMemo(() => new Map(groups.flatMap((g) => g.plugins.map((p) => [p.code, p] as const))), [groups]);

  const load = useCallback(
    (code: string, version: string): Promise<PluginDescriptor | null> => {
      const key = `${code}@${version}`;
      const known = descriptors.get(key);
      if (known !== undefined) return Promise.resolve(known);
      let p = pending.current.get(key);
      if (!p) {
        p = fetch(`/api/plugins/${encodeURIComponent(code)}?version=${encodeURIComponent(version)}`, { cache: "no-store" })
          .then(async (res) => {
            if (res.status === 404) return null;
            if (!res.ok) throw new Error(String(res.status));
            const { versions: _v, key: _k, source: _s, set: _set, module: _m, ...descriptor } = (await res.json()) as PluginDescriptor & Record<string, unknown>;
            return descriptor as PluginDescriptor;
          })
          .then((d) => {
            setFetched((prev) => new Map(prev).set(key, d));
            return d;
          })
          .finally(() => pending.current.delete(key));
        pending.current.set(key, p);
      }
      return p;
    },
    [descriptors],
  );

  const ensure = useCallback(
    (refs: { code: string; version: string }[]) => {
      for (const r of refs) {
        // A version the list does not offer is missing: no request needed.
        if (status === "ready" && !byCode.get(r.code)?.versions.includes(r.version)) continue;
        if (!descriptors.has(`${r.code}@${r.version}`)) void load(r.code, r.version).catch(() => undefined);
      }
    },
    [byCode, descriptors, load, status],
  );

  return useMemo(() => {
    const descriptor = (code: string, version: string) => {
      const d = descriptors.get(`${code}@${version}`);
      if (d !== undefined) return d;
      if (status === "ready" && !byCode.get(code)?.versions.includes(version)) return null;
      return undefined;
    };
    return {
      status,
      generation,
      groups,
      byCode,
      descriptor,
      ensure,
      load,
      lookup: {
        get: (code, version) => descriptor(code, version) ?? undefined,
        versions: (code) => byCode.get(code)?.versions ?? [],
      },
    };
  }, [status, generation, groups, byCode, descriptors, ensure, load]);
}

/** GET /api/plugins as the picker's groups (a failed answer is an error SWR keeps and retries). */
async function fetchListing(url: string): Promise<{ generation: number | null; groups: CatalogGroup[] }> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const body = (await res.json()) as { generation: number | null; groups: RegistryGroup[] };
  return { generation: body.generation, groups: toCatalog(body.groups) };
}

/** The plugins whose search text holds every word of `q` (case-insensitive), in catalog order; all for a blank query. */
export function searchPlugins(all: readonly CatalogPlugin[], q: string): readonly CatalogPlugin[] {
  const terms = q.toLowerCase().split(/\s+/).filter(Boolean);
  return terms.length ? all.filter((p) => terms.every((term) => p.search.includes(term))) : all;
}

/** The picker's groups from `GET /api/plugins`, each plugin with its lower-case search text (built once here). */
export function toCatalog(groups: RegistryGroup[]): CatalogGroup[] {
  return groups.map((g) => ({
    code: g.code,
    name: g.name,
    plugins: g.plugins.map((p) => {
      const { key: _k, source: _s, set: _set, module: _m, ...latest } = p.latest;
      return {
        code: p.code,
        name: p.name,
        description: p.description,
        versions: p.versions,
        source: p.source,
        group: { code: g.code, name: g.name },
        latest,
        search: [p.code, g.code, ...texts(g.name), ...texts(p.name), ...texts(p.description)].join("\u0000").toLowerCase(),
      };
    }),
  }));
}
