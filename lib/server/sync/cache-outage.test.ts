import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureLogs } from "@/lib/log";
import type { S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { openWithS3Cache } from "../__fixtures__/s3-cache";
import { startSync } from "./start-sync";

/** A cache outage in the middle of a sync is reported as the cache's, never as the plugin set being written. */

let database: Awaited<ReturnType<typeof openWithS3Cache>>["database"];
let s3: S3Server;

beforeAll(async () => {
  ({ database, s3 } = await openWithS3Cache("opsflow/"));
});
afterAll(async () => {
  await database.close();
  await s3.close();
});

describe("a cache outage during a sync", () => {
  it("fails the run with the cache's reason, in one ERROR line; no set is blamed; the next sync after it succeeds", async () => {
    const logs = captureLogs("info");
    let run;
    try {
      // The cache goes down once the source is fetched, before the set's files are stored.
      run = await startSync({ trigger: "cli", actor: "outage", onLog: (_level, line) => /^fetched revision/.test(line) && s3.setDown(true) });
      expect(await run.done).toBeNull();
    } finally {
      logs.stop();
      s3.setDown(false);
    }
    const row = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.runId }, include: { logs: true } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^the cache s3:\/\/cache\/opsflow\/ @ http:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\)$/);
    const errors = logs.records().filter((r) => r.level === "error");
    expect(errors).toEqual([expect.objectContaining({ runId: run.runId, message: `sync failed: ${row.error}` })]);
    expect(errors[0]).not.toHaveProperty("set");
    expect(row.logs.filter((l) => l.level === "error").map((l) => l.message)).toEqual([`sync failed: ${row.error}`]);

    const again = await startSync({ trigger: "cli", actor: "outage" });
    expect((await again.done)?.status).toBe("succeeded");
  }, 60_000);
});
