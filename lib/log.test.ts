import { afterEach, describe, expect, it } from "vitest";
import { captureLogs, childLogger, lineLogger, logger, scrub, withLogContext } from "./log";

let capture: ReturnType<typeof captureLogs> | undefined;
afterEach(() => capture?.stop());

describe("logger", () => {
  it("writes one JSON object per line: level label, ISO time, message and context", () => {
    capture = captureLogs("debug");
    childLogger({ runId: "run-1", generation: 7 }).error({ source: "git-a", set: "custom" }, "source failed: boom");
    logger.debug("details");
    const [first, second] = capture.records();
    expect(first).toMatchObject({ level: "error", message: "source failed: boom", runId: "run-1", generation: 7, source: "git-a", set: "custom" });
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect(second).toMatchObject({ level: "debug", message: "details" });
    expect(capture.raw().split("\n").filter(Boolean)).toHaveLength(2);
  });

  it("respects the level", () => {
    capture = captureLogs("warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(capture.records().map((r) => r.message)).toEqual(["shown"]);
  });

  it("redacts secret fields at any of the first three levels", () => {
    capture = captureLogs();
    logger.info(
      {
        token: "tok-AAAA1111",
        secret: { token: "tok-BBBB2222" },
        settings: { secretAccessKey: "sak-CCCC3333", nested: { password: "pw-DDDD4444" } },
        headers: { authorization: "Bearer tok-EEEE5555", cookie: "session=ck-FFFF6666" },
        APP_SECRET: "app-GGGG7777",
        kept: "visible",
      },
      "with secrets",
    );
    const raw = capture.raw();
    for (const secret of ["AAAA1111", "BBBB2222", "CCCC3333", "DDDD4444", "EEEE5555", "FFFF6666", "GGGG7777"]) expect(raw).not.toContain(secret);
    expect(capture.records()[0]).toMatchObject({ kept: "visible", token: "[redacted]" });
  });

  it("scrubs URL credentials and bearer tokens from messages, string fields and errors", () => {
    capture = captureLogs();
    logger.error("fetch https://deploy:ghp_secret123@git.example.com/x.git failed");
    logger.warn({ url: "https://u:p4ssw0rd@host/repo.git" }, "retrying");
    logger.error({ err: new Error("GET https://bot:tok-err-999@git.example.com/y.git: 401") }, "clone failed");
    logger.info("sent Authorization: Bearer abcdefgh12345678");
    const raw = capture.raw();
    for (const secret of ["ghp_secret123", "p4ssw0rd", "tok-err-999", "abcdefgh12345678"]) expect(raw).not.toContain(secret);
    const records = capture.records();
    expect(records[0].message).toBe("fetch https://git.example.com/x.git failed");
    expect(records[1].url).toBe("https://host/repo.git");
    expect((records[2].err as { message: string }).message).toBe("GET https://git.example.com/y.git: 401");
  });

  it("adds the request context to every line logged inside withLogContext, including async work", async () => {
    capture = captureLogs();
    await withLogContext({ requestId: "req-42" }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      lineLogger({ component: "test" })("warn", "inside");
    });
    logger.warn("outside");
    const [inside, outside] = capture.records();
    expect(inside).toMatchObject({ requestId: "req-42", component: "test", message: "inside", level: "warn" });
    expect(outside.requestId).toBeUndefined();
  });
});

describe("scrub", () => {
  it.each([
    ["https://user:pass@example.com/a.git", "https://example.com/a.git"],
    ["see http://token@h:8080/x and s3://k:s@b/p", "see http://h:8080/x and s3://b/p"],
    ["GET /x?token=abc&b=1", "GET /x?token=[redacted]&b=1"],
    ["authorization: Basic dXNlcjpwYXNz", "authorization: [redacted]"],
    ["a plain basic message with no secret", "a plain basic message with no secret"],
    ["user@example.com wrote", "user@example.com wrote"],
  ])("%s", (input, output) => {
    expect(scrub(input)).toBe(output);
  });

  it("removes known secret values, longest first", () => {
    expect(scrub("token abcd-1234 and abcd-1234-ext", ["abcd-1234", "abcd-1234-ext"])).toBe("token [redacted] and [redacted]");
    expect(scrub("short ab stays", ["ab"])).toBe("short ab stays");
  });
});
