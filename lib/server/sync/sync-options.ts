import "server-only";
import fs from "node:fs/promises";
import os from "node:os";
import { env, readEnv } from "../../env";
import { firstLine } from "../../errors";
import { logger } from "../../log";
import type { CacheStore } from "../../plugins/cache/types";
import { DEFAULT_FETCH_LIMITS } from "../../plugins/sources";
import type { SetLimits } from "../../plugins/stage/inspect-set";
import type { SyncOptions } from "../../plugins/sync/run-sync";
import type { FetchLimits } from "../../plugins/types";
import { hostSettings } from "../runtime/host-settings";
import { openCache } from "./open-cache";

/** What a sync and a Preview take from the environment and the configured cache (the rest is per run). */
export type SyncSettings = Pick<SyncOptions, "cache" | "allowHttp" | "ca" | "fetchLimits" | "setLimits" | "describe"> & {
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
 * the configured cache. An unreadable SYNC_CA_FILE throws one line naming it.
 */
export async function buildSyncOptions(opts: SyncSettingsOptions = {}): Promise<SyncSettings> {
  const e = readEnv();
  return {
    cache: opts.cache ?? (await openCache()),
    allowHttp: env.secureLoose(),
    ca: await extraCa(e.SYNC_CA_FILE, e.NODE_EXTRA_CA_CERTS),
    fetchLimits: { ...DEFAULT_FETCH_LIMITS, ...opts.fetchLimits },
    setLimits: opts.setLimits,
    describe: hostSettings().describe,
    setConcurrency: e.SYNC_SET_CONCURRENCY ?? Math.min(4, os.availableParallelism()),
  };
}

/**
 * SYNC_CA_FILE's certificates (PEM), added to the default roots by the fetchers. NODE_EXTRA_CA_CERTS is part of
 * Node's default roots, but not of the bundle an agent gets once `ca` is given on Node 20: it is added here too
 * (unreadable, it is skipped with a WARN line, as Node itself only warns about it).
 */
async function extraCa(file: string | undefined, nodeExtra: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  let ca: string;
  try {
    ca = await fs.readFile(file, "utf8");
  } catch (err) {
    throw new Error(`SYNC_CA_FILE: cannot read ${file} (${firstLine(err)})`);
  }
  if (!nodeExtra) return ca;
  try {
    return `${ca}\n${await fs.readFile(nodeExtra, "utf8")}`;
  } catch (err) {
    logger.warn(`NODE_EXTRA_CA_CERTS: cannot read ${nodeExtra} (${firstLine(err)}); syncing with SYNC_CA_FILE and the default roots`);
    return ca;
  }
}
