import { describe, expect, it } from "vitest";
import { filterPlugins, globMatch } from "./plugin-filter";

const p = (code: string, group = "CUS") => ({ code, version: "1.0.0", group: { code: group } });
const plugins = [p("acme_tool"), p("acme.ping", "NET"), p("cus_test_1"), p("evil_x", "EVIL")];
const run = (allow: string[], deny: string[]) => {
  const { kept, refused } = filterPlugins(plugins, { allow, deny });
  return { kept: kept.map((k) => k.code), refused: refused.map((r) => `${r.code}:${r.reason}${r.pattern ? `:${r.pattern}` : ""}`) };
};

describe("allow and deny lists", () => {
  it("empty lists keep everything", () => {
    expect(run([], [])).toEqual({ kept: ["acme_tool", "acme.ping", "cus_test_1", "evil_x"], refused: [] });
  });
  it("deny by code pattern and by group; case is ignored", () => {
    expect(run([], ["ACME_*", "group:evil"])).toEqual({ kept: ["acme.ping", "cus_test_1"], refused: ["acme_tool:denied:ACME_*", "evil_x:denied:group:evil"] });
  });
  it("* is the only wildcard: '.' is literal, so acme.* does not match acme_tool", () => {
    expect(run(["acme.*"], [])).toEqual({ kept: ["acme.ping"], refused: ["acme_tool:not_allowed", "cus_test_1:not_allowed", "evil_x:not_allowed"] });
  });
  it("deny wins over allow; an allow-list refuses what it does not name", () => {
    expect(run(["acme*", "group:CUS"], ["acme_tool"])).toEqual({ kept: ["acme.ping", "cus_test_1"], refused: ["acme_tool:denied:acme_tool", "evil_x:not_allowed"] });
  });
  it("patterns are whole-code matches, not substrings, and regex characters are literal", () => {
    expect(run(["cus"], ["(.*)"])).toEqual({ kept: [], refused: ["acme_tool:not_allowed", "acme.ping:not_allowed", "cus_test_1:not_allowed", "evil_x:not_allowed"] });
  });
});

describe("globMatch", () => {
  it("matches like a glob with * only", () => {
    expect(globMatch("a*c", "abbbc")).toBe(true);
    expect(globMatch("a*c", "abbbd")).toBe(false);
    expect(globMatch("*", "")).toBe(true);
    expect(globMatch("**a**", "xxaxx")).toBe(true);
    expect(globMatch("a?c", "abc")).toBe(false); // ? is literal
  });
  it("a hostile pattern (a*a*a*…b against a long run of a's) is answered, not backtracked for ages", () => {
    const pattern = `${"a*".repeat(49)}b`;
    expect(globMatch(pattern, "a".repeat(100))).toBe(false);
    expect(globMatch(pattern, `${"a".repeat(99)}b`)).toBe(true);
  });
});
