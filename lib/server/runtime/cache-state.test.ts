import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { openWithS3Cache } from "../__fixtures__/s3-cache";
import { startSync } from "../sync/start-sync";
import { reloadRuntime } from "./runtime";
import { getRuntimeStatus } from "./status";

/**
 * The plugins page's "cache unreachable" banner (the runtime status' problem) follows the cache at every poll:
 * up when a poll finds the cache down, gone at the first poll after it is back, whether the instance loaded its
 * generation from the cache or from its local copy while the cache was down.
 */

const g = globalThis as unknown as { __opsflowRuntime?: unknown };

let database: Awaited<ReturnType<typeof openWithS3Cache>>["database"];
let s3: S3Server;
beforeAll(async () => {
  ({ database, s3 } = await openWithS3Cache("state/"));
  expect((await (await startSync({ trigger: "cli", actor: "test", activate: true })).done)?.status).toBe("succeeded");
});
afterAll(async () => {
  await database.close();
  await s3.close();
});

describe("the cache-unreachable banner", () => {
  it("goes up at the poll that finds the cache down and away at the first poll after it is back", async () => {
    await reloadRuntime();
    expect(getRuntimeStatus()).toMatchObject({ origin: "cache", problem: null });
    s3.setDown(true);
    await reloadRuntime(); // a poll
    expect(getRuntimeStatus()).toMatchObject({ origin: "local", problem: expect.stringMatching(/cache .*unreachable/) });
    s3.setDown(false);
    await reloadRuntime();
    expect(getRuntimeStatus()).toMatchObject({ origin: "cache", problem: null, verified: true });
  }, 60_000);

  it("an instance that started while the cache was down serves its local copy, then drops the banner once the cache is back", async () => {
    g.__opsflowRuntime = undefined; // a restart (the local copy stays)
    s3.setDown(true);
    try {
      await reloadRuntime();
      expect(getRuntimeStatus()).toMatchObject({ origin: "local", verified: true, problem: expect.stringMatching(/unreachable/) });
    } finally {
      s3.setDown(false);
    }
    await reloadRuntime();
    expect(getRuntimeStatus()).toMatchObject({ origin: "cache", problem: null, verified: true });
  }, 60_000);
});
