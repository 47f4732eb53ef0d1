import { describe, expect, it } from "vitest";
import { DEFAULT_LOCALE, resolveLocale } from "./config";

describe("resolveLocale", () => {
  it("prefers the saved locale over Accept-Language", () => {
    expect(resolveLocale("zh-CN", "en-US,en;q=0.9")).toBe("zh-CN");
    expect(resolveLocale("en", "zh-CN,zh;q=0.9")).toBe("en");
  });

  it("ignores a saved value that is not a supported locale", () => {
    expect(resolveLocale("fr", "zh-CN")).toBe("zh-CN");
    expect(resolveLocale("", "zh-CN")).toBe("zh-CN");
    expect(resolveLocale("zh-cn", "en")).toBe("en");
  });

  it("picks zh-CN from a typical Chinese browser header", () => {
    expect(resolveLocale(undefined, "zh-CN,zh;q=0.9,en;q=0.8")).toBe("zh-CN");
  });

  it("maps any Chinese variant to zh-CN", () => {
    expect(resolveLocale(undefined, "zh-TW")).toBe("zh-CN");
    expect(resolveLocale(undefined, "zh-Hant-HK")).toBe("zh-CN");
    expect(resolveLocale(undefined, "ZH")).toBe("zh-CN");
  });

  it("picks en from an English header", () => {
    expect(resolveLocale(undefined, "en-US,en;q=0.9")).toBe("en");
  });

  it("skips unsupported languages and takes the next supported one", () => {
    expect(resolveLocale(undefined, "fr-FR, zh;q=0.5")).toBe("zh-CN");
  });

  it("honours q-values over header order", () => {
    expect(resolveLocale(undefined, "en;q=0.3, zh;q=0.8")).toBe("zh-CN");
    expect(resolveLocale(undefined, "zh;q=0.3, en;q=0.8")).toBe("en");
  });

  it("falls back to the default (en) when nothing matches", () => {
    expect(DEFAULT_LOCALE).toBe("en");
    expect(resolveLocale(undefined, "de")).toBe("en");
    expect(resolveLocale(undefined, "de-DE,fr;q=0.9,*;q=0.1")).toBe("en");
  });

  it("ignores entries with q=0", () => {
    expect(resolveLocale(undefined, "zh;q=0, en;q=0.5")).toBe("en");
    expect(resolveLocale(undefined, "zh-CN;q=0")).toBe("en");
    expect(resolveLocale(undefined, "en;q=0.0, zh-CN;q=0.1")).toBe("zh-CN");
  });

  it("falls back to en for a missing, empty or garbage header", () => {
    expect(resolveLocale(undefined, undefined)).toBe("en");
    expect(resolveLocale(undefined, null)).toBe("en");
    expect(resolveLocale(undefined, "")).toBe("en");
    expect(resolveLocale(undefined, ";;;,,,=q")).toBe("en");
    expect(resolveLocale(undefined, "!!!garbage@@@")).toBe("en");
    expect(resolveLocale(undefined, "\u0000\uFFFF")).toBe("en");
    expect(resolveLocale(undefined, "zh;q=abc")).toBe("en");
  });
});
