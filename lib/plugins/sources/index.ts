import type { FetchLimits, SourceFetcher, SourceKind } from "../types";
import { fsFetcher } from "./fs";
import { gitFetcher } from "./git";
import { s3Fetcher } from "./s3";

export { fsFetcher } from "./fs";
export { gitFetcher } from "./git";
export { createS3Fetcher, s3Fetcher, type S3FetcherOptions } from "./s3";

/** One fetcher per source kind. */
export const fetchers: { [K in SourceKind]: SourceFetcher<K> } = { git: gitFetcher, s3: s3Fetcher, fs: fsFetcher };

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 120_000,
  maxBytes: 200 * 1024 * 1024,
  maxFiles: 10_000,
};
