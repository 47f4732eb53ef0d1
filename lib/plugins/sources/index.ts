import type { FetchLimits, SourceFetcher, SourceKind } from "../types";
import { fsKind } from "./fs";
import { gitKind } from "./git";
import { httpKind } from "./http";
import { s3Kind } from "./s3";

export { fsFetcher } from "./fs/fetcher";
export { gitFetcher } from "./git/fetcher";
export { createS3Fetcher, s3Fetcher, type S3FetcherOptions } from "./s3/fetcher";

/**
 * Every kind of plugin source with its fetcher (server side; ./specs.ts is the browser-safe half), collected the way
 * unjs/giget keeps its providers: one module per kind, one Record.
 */
export const SOURCE_KIND_DEFINITIONS = { git: gitKind, s3: s3Kind, fs: fsKind, http: httpKind } as const;

/** One fetcher per source kind. */
export const fetchers = Object.fromEntries(Object.entries(SOURCE_KIND_DEFINITIONS).map(([kind, d]) => [kind, d.fetcher])) as {
  [K in SourceKind]: SourceFetcher<K>;
};

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 120_000,
  maxBytes: 200 * 1024 * 1024,
  maxFiles: 10_000,
};
