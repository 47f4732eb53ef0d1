import "server-only";
import os from "node:os";
import { env, readEnv } from "../../env";
import type { CacheStore } from "../../plugins/cache/types";
import { DEFAULT_FETCH_LIMITS } from "../../plugins/sources";
import type { SetLimits } from "../../plugins/stage/inspect-set";
import type { SyncOptions } from "../../plugins/sync/run-sync";
import type { FetchLimits } from "../../plugins/types";
import { hostSettings } from "../runtime/host-settings";
import { loadTrustedKeys } from "../signing-keys/find-signing-keys";
import { extraCa } from "./extra-ca";
import { openCache } from "./open-cache";

/** What a sync and a Preview take from the environment and the configured cache (the rest is per run). */
export type SyncSettings = Pick<SyncOptions, "cache" | "allowHttp" | "ca" | "fetchLimits" | "setLimits" | "describe" | "signingKeys"> & {
  /** SYNC_SET_CONCURRENCY: plugin sets of one source staged and described at once (default: CPUs, at most 4). */
  setConcurrency: number;
};

export interface SyncSettingsOptions {
  /** The cache, when the caller has opened it already (a sync records its location first). */
  cache?: CacheStore;
  /** Tighter fetch / staging limits than the defaults (tests). */
  fetchLimits?: Partial<FetchLimits>;
  setLimits?: Partial<SetLimits>;
}

/**
 * The one way the sync (start-sync.ts) and Preview (preview-source.ts) build their options, so a Preview fetches
 * exactly as the sync will: the URL policy (EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE), the extra CA (SYNC_CA_FILE), the
 * fetch limits, the describe hosts' settings (SYNC_DESCRIBE_TIMEOUT_MS, PLUGIN_HEAP_MB), the set concurrency and
 * the configured cache and the signing-key allow-list (read once per run). An unreadable SYNC_CA_FILE throws one line naming it.
 */
export async function buildSyncOptions(opts: SyncSettingsOptions = {}): Promise<SyncSettings> {
  const e = readEnv();
  return {
    cache: opts.cache ?? (await openCache()),
    allowHttp: env.secureLoose(),
    ca: await extraCa(),
    fetchLimits: { ...DEFAULT_FETCH_LIMITS, ...opts.fetchLimits },
    setLimits: opts.setLimits,
    describe: hostSettings().describe,
    setConcurrency: e.SYNC_SET_CONCURRENCY ?? Math.min(4, os.availableParallelism()),
    signingKeys: await loadTrustedKeys(),
  };
}
