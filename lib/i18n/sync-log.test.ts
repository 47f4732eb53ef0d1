import { describe, expect, it } from "vitest";
import { logLine } from "../plugins/log-line";
import { englishSyncLog, syncLogText, syncLogTranslator } from "./sync-log";

/** Sync log lines are stored as key + params; the English (CLI, process log) and the Chinese come from the catalogs. */

describe("sync log lines", () => {
  it("read in English as the CLI printed them before lines had keys", () => {
    expect(englishSyncLog(logLine("started", { dryRun: "true", count: 2, location: "/srv/cache", base: "3" }))).toBe("sync (dry run) of 2 source(s) into /srv/cache, building on generation 3");
    expect(englishSyncLog(logLine("started", { dryRun: "false", count: 1, location: "/srv/cache", base: "none" }))).toBe("sync of 1 source(s) into /srv/cache");
    expect(englishSyncLog(logLine("fetched", { revision: "abce772249f4", files: 3, bytes: 3388 }))).toBe("fetched revision abce772249f4: 3 files, 3388 bytes");
    expect(englishSyncLog(logLine("nothingUsable", { active: "none" }))).toBe("nothing usable: no new generation, no generation is active");
    expect(englishSyncLog(logLine("finished", { status: "unchanged", synced: 1, total: 1, clashes: 0 }))).toBe("sync finished: unchanged (1 of 1 source(s) synced, 0 clash(es))");
  });

  it("read in Chinese from the same key and parameters; the remote's reason is kept as given", () => {
    const zh = (line: ReturnType<typeof logLine>) => syncLogText(syncLogTranslator("zh-CN"), { ...line, message: "" });
    expect(zh(logLine("nothingUsable", { active: "4" }))).toBe("没有可用的结果：不生成新的版本代，版本代 4 保持生效");
    expect(zh(logLine("setKept", { set: "custom_plugins", reason: "HTTP 401 Unauthorized", at: "2026-12-01T10:00:00.000Z", revision: "abc" }))).toBe("custom_plugins：HTTP 401 Unauthorized；保留 2026-12-01T10:00:00.000Z 的副本（修订版本 abc）");
    expect(zh(logLine("fsCopied", { files: 3, bytes: 3388, ms: 19 }))).toBe("fs：已复制 3 个文件 / 3388 字节，耗时 19 毫秒");
  });

  it("every key the code can write has a message in both catalogs", async () => {
    const { readFileSync } = await import("node:fs");
    const source = readFileSync(new URL("../plugins/log-line.ts", import.meta.url), "utf8");
    const keys = [...source.matchAll(/^\s+\| "(\w+)"$/gm)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(20);
    for (const locale of ["en", "zh-CN"] as const) expect(keys.filter((k) => !syncLogTranslator(locale).has(k)), locale).toEqual([]);
  });
});
