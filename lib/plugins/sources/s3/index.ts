import type { SourceFetcher } from "../../types";
import { s3Fetcher } from "./fetcher";
import { s3Spec } from "./spec";

/** The s3 kind of plugin source: its spec (input, settings, secrets, location, form) and its fetcher. */
export const s3Kind = { ...s3Spec, fetcher: s3Fetcher as SourceFetcher<"s3"> };
