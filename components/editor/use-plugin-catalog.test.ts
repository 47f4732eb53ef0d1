import { describe, expect, it } from "vitest";
import type { RegistryGroup, RegistryPlugin } from "@/lib/plugins/registry/registry";
import { searchPlugins, toCatalog } from "./use-plugin-catalog";

/** What GET /api/plugins answers, for `n` plugins in 10 groups (the first group named in two languages). */
function listing(n: number): RegistryGroup[] {
  const groups: RegistryGroup[] = Array.from({ length: 10 }, (_, g) => ({
    code: g === 0 ? "CUS" : `G${g}`,
    name: g === 0 ? { en: "Custom", "zh-CN": "自定义" } : `Group ${g}`,
    plugins: [],
  }));
  for (let i = 0; i < n; i++) {
    const group = groups[i % 10];
    const latest = {
      code: `p_${i}`,
      name: i === 7 ? { en: "Deploy web", "zh-CN": "部署网站" } : `Plugin ${i}`,
      version: "2.0.0",
      group: { code: group.code, name: group.name },
      description: i === 3 ? "Sends a chat message" : undefined,
      inputs: [],
      outputs: [],
      key: `p_${i}@2.0.0`,
      source: i % 2 ? "builtin" : "team",
      set: null,
      module: null,
    } as RegistryPlugin;
    group.plugins.push({ code: latest.code, name: latest.name, description: latest.description, versions: ["2.0.0", "1.0.0"], latest, source: latest.source });
  }
  return groups;
}

describe("picker search", () => {
  const catalog = toCatalog(listing(1000));
  const all = catalog.flatMap((g) => g.plugins);

  it("keeps the descriptor without registry details, and every version", () => {
    expect(all).toHaveLength(1000);
    expect(all[0].latest).not.toHaveProperty("key");
    expect(all[0].latest).not.toHaveProperty("set");
    expect(all[0]).toMatchObject({ code: "p_0", versions: ["2.0.0", "1.0.0"], group: { code: "CUS" }, source: "team" });
  });

  it("matches every word in the code, name (any language), group and description; blank shows all", () => {
    expect(searchPlugins(all, "")).toHaveLength(1000);
    expect(searchPlugins(all, "P_999").map((p) => p.code)).toEqual(["p_999"]);
    expect(searchPlugins(all, "部署").map((p) => p.code)).toEqual(["p_7"]);
    expect(searchPlugins(all, "deploy WEB").map((p) => p.code)).toEqual(["p_7"]);
    expect(searchPlugins(all, "chat").map((p) => p.code)).toEqual(["p_3"]);
    expect(searchPlugins(all, "自定义")).toHaveLength(100);
    const cus1 = searchPlugins(all, "cus 1").map((p) => p.code);
    expect(cus1).toEqual(expect.arrayContaining(["p_10", "p_100", "p_910"]));
    expect(cus1).not.toContain("p_20");
    expect(cus1).not.toContain("p_11");
    expect(searchPlugins(all, "nothing-like-this")).toEqual([]);
  });
});
