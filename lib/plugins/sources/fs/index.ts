import type { SourceFetcher } from "../../types";
import { fsFetcher } from "./fetcher";
import { fsSpec } from "./spec";

/** The fs kind of plugin source: its spec (input, settings, secrets, location, form) and its fetcher. */
export const fsKind = { ...fsSpec, fetcher: fsFetcher as SourceFetcher<"fs"> };
