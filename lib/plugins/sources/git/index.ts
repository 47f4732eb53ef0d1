import type { SourceFetcher } from "../../types";
import { gitFetcher } from "./fetcher";
import { gitSpec } from "./spec";

/** The git kind of plugin source: its spec (input, settings, secrets, location, form) and its fetcher. */
export const gitKind = { ...gitSpec, fetcher: gitFetcher as SourceFetcher<"git"> };
