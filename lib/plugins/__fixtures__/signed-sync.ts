import fs from "node:fs";
import { expect } from "vitest";
import { englishSyncLog } from "../../i18n/sync-log";
import type { CacheStore } from "../cache/types";
import { DEFAULT_FETCH_LIMITS } from "../sources";
import type { Manifest } from "../sync/manifest";
import { runSync, type SyncSourceInput } from "../sync/run-sync";
import { inspectSigningKey, type TrustedKey } from "../trust/signing-key";

/** A key of the allow-list as the sync reads it from the Signing keys table. */
export const trusted = async (name: string, publicKey: string): Promise<TrustedKey> => {
  const info = await inspectSigningKey(publicKey);
  return { name, kind: info.kind, fingerprint: info.fingerprint, publicKey: info.normalized };
};

/**
 * One source synced by runSync with an allow-list, each call a new generation in `cache()`; the log lines rendered
 * in English as `level: text`. Shared by the signed git and signed archive (http, s3) tests.
 */
export function signedSync(cache: () => CacheStore, workDir: () => string) {
  let generation = 0;
  return async function sync(src: SyncSourceInput, previous: Manifest | null, allowList: TrustedKey[]) {
    const lines: string[] = [];
    const id = ++generation;
    const dir = workDir();
    try {
      const outcome = await runSync({
        runId: `run-${id}`,
        generation: id,
        sources: [src],
        previous,
        cache: cache(),
        workDir: dir,
        allowHttp: true,
        fetchLimits: { ...DEFAULT_FETCH_LIMITS, connectTimeoutMs: 5000, totalTimeoutMs: 20_000 },
        describe: { timeoutMs: 10_000 },
        signingKeys: allowList,
        log: (level, line) => lines.push(`${level}: ${englishSyncLog(line)}`),
      });
      return { ...outcome, lines, id };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

export type SignedSyncRun = Awaited<ReturnType<ReturnType<typeof signedSync>>>;

/** The source failed with `reason` and kept the last good copy (from `good`), said in one error line. */
export function expectFailedKeepingLastGood(run: SignedSyncRun, good: Manifest, reason: RegExp) {
  expect(run.results[0].status).toBe("failed");
  expect(run.results[0].error).toMatch(reason);
  expect(run.results[0].signer).toBeUndefined();
  expect(run.manifest.sources[0]).toMatchObject({ status: "failed" });
  expect(run.manifest.sets).toHaveLength(1);
  expect(run.manifest.sets[0]).toMatchObject({ status: "carried_over", revision: good.sets[0].revision, signer: good.sets[0].signer });
  expect(run.manifest.sets[0].files).toEqual(good.sets[0].files);
  expect(run.lines.filter((l) => l.startsWith("error:"))).toEqual([expect.stringMatching(reason)]);
}
