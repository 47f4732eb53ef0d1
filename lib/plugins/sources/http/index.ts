import type { SourceFetcher } from "../../types";
import { httpFetcher } from "./fetcher";
import { httpSpec } from "./spec";

/** The http kind of plugin source: its spec (input, settings, secrets, location, form) and its fetcher. */
export const httpKind = { ...httpSpec, fetcher: httpFetcher as SourceFetcher<"http"> };
