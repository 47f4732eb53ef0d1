import { describe, expect, it } from "vitest";
import { ExpiringMap } from "./expiring-map";

describe("ExpiringMap", () => {
  it("returns an entry until its expiry and never after", () => {
    const m = new ExpiringMap<string, number>(10);
    m.set("a", 1, 1_000);
    expect(m.get("a", 999)).toBe(1);
    expect(m.get("a", 1_000)).toBeUndefined();
    // An expired entry is dropped, not kept for later.
    expect(m.size).toBe(0);
  });

  it("holds at most max entries, dropping the one set longest ago", () => {
    const m = new ExpiringMap<string, number>(2);
    m.set("a", 1, 10);
    m.set("b", 2, 10);
    m.set("a", 3, 10); // refreshed: now the newest
    m.set("c", 4, 10);
    expect(m.size).toBe(2);
    expect(m.get("b", 0)).toBeUndefined();
    expect(m.get("a", 0)).toBe(3);
    expect(m.get("c", 0)).toBe(4);
  });

  it("forgets everything on clear", () => {
    const m = new ExpiringMap<string, number>(2);
    m.set("a", 1, 10);
    m.clear();
    expect(m.get("a", 0)).toBeUndefined();
  });
});
