import { describe, expect, it } from "vitest";
import type { TText } from "../contract";
import type { LoadedSet } from "../loader/materialize";
import type { SetEntry } from "../sync/manifest";
import { parseCatalogueQuery } from "../../validations/plugin-catalogue";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "./builtins";
import { catalogue } from "./catalogue";
import { buildRegistry } from "./registry";

/** The plugins page's catalogue: filters combine, pages are cut on the server, facets list every choice. */

const plugin = (code: string, group: string, version = "1.0.0", description?: TText) => ({
  code,
  name: code.toUpperCase() as TText,
  version,
  group: { code: group, name: { en: `Group ${group}`, "zh-CN": `分组 ${group}` } },
  ...(description !== undefined ? { description } : {}),
  inputs: [],
  outputs: [],
  module: "m",
});

function set(source: string, submodule: string, plugins: ReturnType<typeof plugin>[], status: LoadedSet["status"] = "loaded"): LoadedSet {
  const entry: SetEntry = {
    source, submodule, version: "1", importModules: ["m"], configHash: "x", revision: "r", status: status === "carried_over" ? "carried_over" : "fresh",
    syncedAt: "2026-01-01T00:00:00.000Z", files: [{ path: "m.mjs", size: 1, sha256: "0".repeat(64) }], modules: [{ entry: "m", file: "m.mjs" }], plugins, errors: [],
  };
  return { source, submodule, dir: `/rt/${source}/${submodule}`, status, entry };
}

const many = Array.from({ length: 120 }, (_, i) => plugin(`gen_${String(i).padStart(3, "0")}`, i % 2 ? "ODD" : "EVEN", "1.0.0", i === 7 ? { en: "The lucky one", "zh-CN": "幸运的那个" } : undefined));
const sets = [
  set("git-src", "bulk", many),
  set("fs-src", "old", [plugin("kept", "ODD"), plugin("kept", "ODD", "2.0.0")], "carried_over"),
];
const registry = buildRegistry({
  generation: 1,
  sets,
  manifest: { schema: 1, generation: 1, runId: "r", createdAt: "", sources: [], sets: sets.map((s) => s.entry), failed: [], clashes: [] },
  builtins: BUILTIN_DESCRIPTORS,
  builtinModuleFile: BUILTIN_MODULE_FILE,
});
const page = (filter: Parameters<typeof catalogue>[2], pageSize = 50) => catalogue(registry, sets, filter, { locale: "en", pageSize });

describe("catalogue", () => {
  it("pages one row per plugin code, the last page holding the rest; a page past the end gives the last one", () => {
    const builtins = new Set(BUILTIN_DESCRIPTORS.map((d) => d.code)).size;
    const total = 120 + 1 + builtins;
    const first = page({});
    expect(first).toMatchObject({ total, page: 1, pages: Math.ceil(total / 50) });
    expect(first.rows).toHaveLength(50);
    const last = page({ page: 999 });
    expect(last.page).toBe(first.pages);
    expect(last.rows).toHaveLength(total - 50 * (first.pages - 1));
    const seen = new Set(Array.from({ length: first.pages }, (_, i) => page({ page: i + 1 }).rows.map((r) => r.code)).flat());
    expect(seen.size).toBe(total);
  });

  it("combines words, source, set, group and status; versions count once per code", () => {
    expect(page({ q: "lucky" }).rows.map((r) => r.code)).toEqual(["gen_007"]);
    expect(page({ q: "幸运" }).rows.map((r) => r.code)).toEqual(["gen_007"]);
    expect(page({ source: "builtin" }).rows.every((r) => r.set === null && r.source === "builtin")).toBe(true);
    expect(page({ set: "git-src/bulk", group: "ODD" }).total).toBe(60);
    expect(page({ status: "lastGood" }).rows).toEqual([expect.objectContaining({ code: "kept", latest: "2.0.0", versions: 2, status: "lastGood", source: "fs-src", set: "old" })]);
    expect(page({ set: "git-src/bulk", status: "lastGood" }).total).toBe(0);
    expect(page({ q: "gen_00", group: "EVEN" }).rows.map((r) => r.code)).toEqual(["gen_000", "gen_002", "gen_004", "gen_006", "gen_008"]);
  });

  it("lists every source, set and group as a choice, whatever the filter", () => {
    const { facets } = page({ q: "lucky" });
    expect(facets.sources).toEqual(["builtin", "fs-src", "git-src"]);
    expect(facets.sets).toEqual(["fs-src/old", "git-src/bulk"]);
    expect(facets.groups.map((g) => g.code)).toEqual(expect.arrayContaining(["EVEN", "ODD"]));
  });
});

describe("parseCatalogueQuery", () => {
  it("keeps what parses, names what does not, takes the first of repeated values and drops empty ones", () => {
    expect(parseCatalogueQuery({ q: "  sum ", page: "2", status: "lastGood", source: "" })).toEqual({ query: { q: "sum", page: 2, status: "lastGood" }, invalid: [] });
    expect(parseCatalogueQuery({ q: ["a", "b"], page: "0", status: "weird", group: "x".repeat(65) })).toEqual({ query: { q: "a" }, invalid: ["group", "status", "page"] });
    expect(parseCatalogueQuery({ page: "1e3", set: "a\u0000b" }).invalid).toEqual(["set", "page"]);
  });
});
