import { describe, expect, it } from "vitest";
import { MAX_RECENT, pickerRows, pushRecent, readRecent, recentKey, writeRecent, RECENT_GROUP } from "./picker-rows";
import type { CatalogPlugin } from "./use-plugin-catalog";

const plugin = (code: string, group: string): CatalogPlugin =>
  ({ code, name: code, versions: ["1.0.0"], source: "builtin", group: { code: group, name: group }, latest: {} as never, search: code.toLowerCase() }) as CatalogPlugin;

/** 1,000 plugins in 10 groups of 100, in catalog (group) order. */
const all = Array.from({ length: 1000 }, (_, i) => plugin(`p_${Math.floor(i / 100)}_${i % 100}`, `G${Math.floor(i / 100)}`));
const byCode = new Map(all.map((p) => [p.code, p]));
const none = new Set<string>();
const shape = (rows: ReturnType<typeof pickerRows>) => rows.map((r) => (r.kind === "header" ? `#${r.group ?? "recent"}:${r.count}${r.collapsed ? "-" : ""}` : r.plugin.code));

describe("pickerRows", () => {
  it("lists every match (no cap), each group under its header", () => {
    const rows = pickerRows(all, { query: "", collapsed: none, recent: [], byCode });
    expect(rows.filter((r) => r.kind === "plugin")).toHaveLength(1000);
    expect(rows.filter((r) => r.kind === "header").map((r) => r.kind === "header" && `${r.group}:${r.count}`)).toEqual(Array.from({ length: 10 }, (_, g) => `G${g}:100`));
    expect(shape(rows).slice(0, 3)).toEqual(["#G0:100", "p_0_0", "p_0_1"]);
  });

  it("a collapsed group keeps its header (with its count) and hides its plugins", () => {
    const rows = pickerRows(all, { query: "", collapsed: new Set(["G1"]), recent: [], byCode });
    expect(rows.filter((r) => r.kind === "plugin")).toHaveLength(900);
    expect(shape(rows)).toContain("#G1:100-");
    expect(shape(rows)).not.toContain("p_1_0");
  });

  it("a search opens collapsed groups that have a match, and hides Recently used", () => {
    const matches = all.filter((p) => p.code.endsWith("_7"));
    const rows = pickerRows(matches, { query: "7", collapsed: new Set(["G1", RECENT_GROUP]), recent: ["p_0_1"], byCode });
    expect(shape(rows).slice(0, 4)).toEqual(["#G0:1", "p_0_7", "#G1:1", "p_1_7"]);
    expect(rows.some((r) => r.kind === "plugin" && r.recent)).toBe(false);
  });

  it("Recently used comes first with a blank search (codes no longer in the catalog are left out), and collapses", () => {
    const rows = pickerRows(all, { query: " ", collapsed: none, recent: ["p_3_1", "gone", "p_0_2"], byCode });
    expect(shape(rows).slice(0, 4)).toEqual(["#recent:2", "p_3_1", "p_0_2", "#G0:100"]);
    // The same plugin appears twice (in Recently used and in its group) under different row keys.
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(shape(pickerRows(all, { query: "", collapsed: new Set([RECENT_GROUP]), recent: ["p_3_1"], byCode })).slice(0, 2)).toEqual(["#recent:1-", "#G0:100"]);
  });
});

describe("recently used", () => {
  it("keeps the newest first, once each, at most MAX_RECENT", () => {
    let list: string[] = [];
    for (const c of ["a", "b", "c", "a", "d", "e", "f", "g"]) list = pushRecent(list, c);
    expect(list).toEqual(["g", "f", "e", "d", "a"]);
    expect(list).toHaveLength(MAX_RECENT);
  });

  it("is stored per user, and anything unreadable reads as an empty list", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    writeRecent(storage, "u1", ["x", "y"]);
    expect(readRecent(storage, "u1")).toEqual(["x", "y"]);
    expect(readRecent(storage, "u2")).toEqual([]);
    store.set(recentKey("u3"), "{not json");
    expect(readRecent(storage, "u3")).toEqual([]);
    store.set(recentKey("u4"), JSON.stringify({ a: 1 }));
    expect(readRecent(storage, "u4")).toEqual([]);
    store.set(recentKey("u5"), JSON.stringify(["ok", 3, null, "x".repeat(300)]));
    expect(readRecent(storage, "u5")).toEqual(["ok"]);
    const full = { setItem: () => { throw new Error("QuotaExceededError"); } };
    expect(() => writeRecent(full, "u1", ["z"])).not.toThrow();
    expect(readRecent(undefined, "u1")).toEqual([]);
  });
});
