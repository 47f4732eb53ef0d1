import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PluginDescriptor, TText } from "../contract";
import type { LoadedSet } from "../loader/materialize";
import type { Manifest, SetEntry } from "../sync/manifest";
import { BUILTIN_DESCRIPTORS, BUILTIN_MODULE_FILE } from "./builtins";
import { buildRegistry, textOf, type Registry } from "./registry";
import { compareVersions } from "./version";

const CUS = { code: "CUS", name: { en: "Custom", "zh-CN": "自定义" } };
const FIX = { code: "FIX", name: "Fixtures" };

const plugin = (code: string, over: Partial<PluginDescriptor> & { module?: string } = {}) => ({
  code,
  name: code as TText,
  version: "1.0.0",
  group: CUS,
  inputs: [],
  outputs: [],
  module: "mods.main",
  ...over,
});

function loaded(source: string, submodule: string, plugins: ReturnType<typeof plugin>[], status: LoadedSet["status"] = "loaded", reason?: string): LoadedSet {
  const entry: SetEntry = {
    source,
    submodule,
    version: "1",
    importModules: ["mods.main"],
    configHash: "x",
    revision: "r",
    status: status === "carried_over" ? "carried_over" : "fresh",
    reason: status === "carried_over" ? reason : undefined,
    syncedAt: "2026-01-01T00:00:00.000Z",
    files: [{ path: "main.mjs", size: 1, sha256: "0".repeat(64) }],
    modules: [{ entry: "mods.main", file: "main.mjs" }],
    plugins,
    errors: [],
  };
  return { source, submodule, dir: `/rt/g00000003/sets/${source}/${submodule}`, status, reason, entry };
}

function manifestOf(sets: LoadedSet[], extra: Partial<Manifest> = {}): Manifest {
  return { schema: 1, generation: 3, runId: "r", createdAt: "", sources: [], sets: sets.map((s) => s.entry), failed: [], clashes: [], ...extra };
}

function registry(sets: LoadedSet[], extra: Partial<Manifest> = {}): Registry {
  return buildRegistry({ generation: 3, sets, manifest: manifestOf(sets, extra), builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
}

const codes = (r: Registry, opts?: Parameters<Registry["list"]>[0]) => r.list(opts).map((g) => [g.code, g.plugins.map((p) => p.code)]);

describe("buildRegistry", () => {
  const sets = [
    loaded("git-src", "custom_plugins", [
      plugin("cus_sum", { name: { en: "Sum", "zh-CN": "求和" }, description: "Adds two numbers." }),
      plugin("cus_greet", { name: "Greet", description: { en: "Builds a greeting.", "zh-CN": "生成问候语。" } }),
      plugin("cus_ver", { name: "Versioned", version: "1.2.0" }),
    ]),
    loaded("fs-src", "fixtures", [plugin("fix_echo", { group: FIX, name: "Echo" }), plugin("cus_ver", { name: "Versioned", version: "1.10.0" })]),
  ];

  it("groups by group, sorted by group name then plugin name, built-ins included", () => {
    const r = registry(sets);
    expect(r.generation).toBe(3);
    expect(codes(r)).toEqual([
      ["BUILTIN", ["builtin_http_request", "builtin_log", "builtin_sleep"]],
      ["CUS", ["cus_greet", "cus_sum", "cus_ver"]],
      ["FIX", ["fix_echo"]],
    ]);
    const cus = r.list().find((g) => g.code === "CUS")!;
    expect(cus.name).toEqual(CUS.name);
    expect(cus.plugins.find((p) => p.code === "cus_sum")).toMatchObject({ name: { en: "Sum", "zh-CN": "求和" }, description: "Adds two numbers.", versions: ["1.0.0"], source: "git-src" });
    // Sorted by the locale's names: "求和" (qiu) comes after "Greet" in zh-CN as in en; every group is still there.
    expect(codes(r, { locale: "zh-CN" }).map(([g]) => g).sort()).toEqual(["BUILTIN", "CUS", "FIX"]);
    expect(codes(r, { locale: "not a locale!" })).toEqual(codes(r));
  });

  it("searches code, names in any language, group and description, case-insensitively", () => {
    const r = registry(sets);
    expect(codes(r, { q: "SUM" })).toEqual([["CUS", ["cus_sum"]]]);
    expect(codes(r, { q: "求和" })).toEqual([["CUS", ["cus_sum"]]]);
    expect(codes(r, { q: "问候" })).toEqual([["CUS", ["cus_greet"]]]);
    expect(codes(r, { q: "自定义" })).toEqual([["CUS", ["cus_greet", "cus_sum", "cus_ver"]]]);
    expect(codes(r, { q: "fixtures" })).toEqual([["FIX", ["fix_echo"]]]);
    expect(codes(r, { q: "内置 sleep" })).toEqual([["BUILTIN", ["builtin_sleep"]]]);
    expect(codes(r, { q: "two numbers" })).toEqual([["CUS", ["cus_sum"]]]);
    expect(codes(r, { q: "  " })).toEqual(codes(r));
    expect(r.list({ q: "nothing-like-this" })).toEqual([]);
  });

  it("picks the latest version numerically and finds exact versions", () => {
    const r = registry(sets);
    expect(r.get("cus_ver")).toMatchObject({ version: "1.10.0", source: "fs-src", set: "fixtures", key: "cus_ver@1.10.0" });
    expect(r.get("cus_ver", "1.2.0")).toMatchObject({ version: "1.2.0", source: "git-src", set: "custom_plugins" });
    expect(r.get("cus_ver", "9.9.9")).toBeUndefined();
    expect(r.get("nope")).toBeUndefined();
    expect(r.versions("cus_ver")).toEqual(["1.10.0", "1.2.0"]);
    expect(r.versions("nope")).toEqual([]);
    const summary = r.list({ q: "cus_ver" })[0].plugins[0];
    expect(summary.versions).toEqual(["1.10.0", "1.2.0"]);
    expect(summary.latest.version).toBe("1.10.0");
    expect(r.all().map((p) => p.key)).toEqual([
      "builtin_http_request@1.0.0",
      "builtin_log@1.0.0",
      "builtin_sleep@1.0.0",
      "cus_greet@1.0.0",
      "cus_sum@1.0.0",
      "cus_ver@1.10.0",
      "cus_ver@1.2.0",
      "fix_echo@1.0.0",
    ]);
  });

  it("locates each plugin's module file and set directory; built-ins at builtin-plugins.mjs; descriptors carry no path", () => {
    const r = registry(sets);
    const setDir = "/rt/g00000003/sets/git-src/custom_plugins";
    expect(r.get("cus_sum")).toMatchObject({ module: "mods.main" });
    expect(r.locate("cus_sum", r.get("cus_sum")!.version)).toEqual({ file: path.join(setDir, "main.mjs"), root: setDir });
    expect(r.get("builtin_log")).toMatchObject({ source: "builtin", set: null, module: null });
    expect(r.locate("builtin_log", "1.0.0")).toEqual({ file: BUILTIN_MODULE_FILE, root: path.dirname(BUILTIN_MODULE_FILE) });
    expect(r.locate("cus_sum", "9.9.9")).toBeUndefined();
    expect(JSON.stringify(r.list())).not.toContain("/rt/");
    expect(JSON.stringify(r.all())).not.toContain(path.dirname(BUILTIN_MODULE_FILE));
    expect(r.get("cus_sum")).not.toHaveProperty("module", undefined);
  });

  it("leaves out clashes and remote copies of built-ins, and reports them", () => {
    const a = loaded("a", "set", [plugin("cus_dup"), plugin("builtin_log", { group: CUS }), plugin("cus_only_a")]);
    const b = loaded("b", "set", [plugin("cus_dup"), plugin("builtin_log", { version: "2.0.0" })]);
    const c = loaded("c", "set", [plugin("cus_only_a")]); // a clash the manifest does not list (hand-made)
    const r = registry([a, b, c], { clashes: [{ code: "cus_dup", version: "1.0.0", sets: ["a/set", "b/set"] }] });
    expect(r.get("cus_dup")).toBeUndefined();
    expect(r.get("cus_only_a")).toBeUndefined();
    expect(r.get("builtin_log", "1.0.0")).toMatchObject({ source: "builtin" });
    // Another version of a built-in's code is a different plugin: allowed, and the latest.
    expect(r.get("builtin_log")).toMatchObject({ version: "2.0.0", source: "b" });
    expect(r.conflicts).toEqual([
      { code: "builtin_log", version: "1.0.0", kind: "builtin", sets: ["builtin", "a/set"] },
      { code: "cus_dup", version: "1.0.0", kind: "clash", sets: ["a/set", "b/set"] },
      { code: "cus_only_a", version: "1.0.0", kind: "clash", sets: ["a/set", "c/set"] },
    ]);
  });

  it("lists problems: integrity failures (not loaded), carried-over sets (loaded) and failed sets", () => {
    const bad = { ...loaded("a", "broken", [plugin("cus_bad")]), status: "integrity_failed" as const, reason: "main.mjs: sha256 mismatch in the cache" };
    const old = loaded("b", "old", [plugin("cus_old")], "carried_over", "remote down");
    const r = registry([bad, old], { failed: [{ source: "c", submodule: "never", error: "module not found" }] });
    expect(r.get("cus_bad")).toBeUndefined();
    expect(r.get("cus_old")).toMatchObject({ source: "b" });
    expect(r.problems).toEqual([
      { source: "a", set: "broken", status: "integrity_failed", reason: "main.mjs: sha256 mismatch in the cache" },
      { source: "b", set: "old", status: "carried_over", reason: "remote down" },
      { source: "c", set: "never", status: "failed", reason: "module not found" },
    ]);
  });

  it("is immutable and does not freeze the caller's data", () => {
    const r = registry(sets);
    const p = r.get("cus_sum")!;
    expect(() => ((p as { name: TText }).name = "x")).toThrow(TypeError);
    expect(() => (r.all() as unknown[]).push(1)).toThrow(TypeError);
    expect(() => (r.list()[0].plugins as unknown[]).pop()).toThrow(TypeError);
    expect(Object.isFrozen(sets[0].entry.plugins[0])).toBe(false);
  });

  it("works without a generation (built-ins only)", () => {
    const r = buildRegistry({ generation: null, sets: [], manifest: null, builtins: BUILTIN_DESCRIPTORS, builtinModuleFile: BUILTIN_MODULE_FILE });
    expect(r.generation).toBeNull();
    expect(codes(r)).toEqual([["BUILTIN", ["builtin_http_request", "builtin_log", "builtin_sleep"]]]);
    expect(r.problems).toEqual([]);
  });

  it("filters 1,000 plugins from precomputed data", () => {
    const many = Array.from({ length: 1000 }, (_, i) => {
      const n = String(i).padStart(4, "0");
      return plugin(`syn_${n}`, { name: { en: `Synthetic ${n}`, "zh-CN": `合成 ${n}` }, group: { code: `G${i % 10}`, name: `Group ${i % 10}` } });
    });
    const r = registry([loaded("big", "set", many)]);
    expect(r.all()).toHaveLength(1003);
    expect(r.list()).toHaveLength(11);
    expect(codes(r, { q: "synthetic 0042" })).toEqual([["G2", ["syn_0042"]]]);
    expect(codes(r, { q: "合成 099" }).flatMap(([, c]) => c as string[]).sort()).toEqual(["syn_0099", ...[...Array(10)].map((_, i) => `syn_099${i}`)]);
    expect(r.list({ q: "group 7" }).find((g) => g.code === "G7")!.plugins).toHaveLength(100);
    for (let i = 0; i < 50; i++) r.list({ q: `syn_${i}` }); // repeated requests reuse the sorted index
    expect(r.list({ q: "syn" }).reduce((n, g) => n + g.plugins.length, 0)).toBe(1000);
  });
});

describe("compareVersions", () => {
  it("orders dot-separated numbers numerically", () => {
    const sorted = ["1.2.0", "1.10.0", "1.0", "1.0.0", "1.0.0-beta", "0.9", "10.0.0", "1.9.9", "x"].sort(compareVersions);
    expect(sorted).toEqual(["x", "0.9", "1.0", "1.0.0-beta", "1.0.0", "1.2.0", "1.9.9", "1.10.0", "10.0.0"]);
    expect(compareVersions("2.0.0", "2.0.0")).toBe(0);
    expect(compareVersions("99999999999999999999.1", "99999999999999999998.1")).toBeGreaterThan(0);
  });
});

describe("textOf", () => {
  it("picks the locale, its language, then English", () => {
    expect(textOf({ en: "Sum", "zh-CN": "求和" }, "zh-CN")).toBe("求和");
    expect(textOf({ en: "Sum", zh: "和" }, "zh-TW")).toBe("和");
    expect(textOf({ en: "Sum" }, "de")).toBe("Sum");
    expect(textOf("Sum", "zh-CN")).toBe("Sum");
  });
});
