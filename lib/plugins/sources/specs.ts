import { fsSpec } from "./fs/spec";
import { gitSpec } from "./git/spec";
import { httpSpec } from "./http/spec";
import { s3Spec } from "./s3/spec";
import type { SecretsOf, SettingsOf, SourceKindSpec } from "./spec";

/**
 * Every kind of plugin source, by name: the browser-safe half of each kind (./<kind>/spec.ts). The server's Record,
 * with the fetchers, is in ./index.ts. A new kind is a folder with spec.ts, fetcher.ts and index.ts, named here and
 * there, plus its value in the Prisma enum SourceKind.
 */
export const SOURCE_SPECS = { git: gitSpec, s3: s3Spec, fs: fsSpec, http: httpSpec } as const;

export type SourceKind = keyof typeof SOURCE_SPECS;
export const SOURCE_KINDS = Object.keys(SOURCE_SPECS) as [SourceKind, ...SourceKind[]];

export type SettingsByKind = { [K in SourceKind]: SettingsOf<(typeof SOURCE_SPECS)[K]> };
export type SecretsByKind = { [K in SourceKind]: SecretsOf<(typeof SOURCE_SPECS)[K]> };

/** Every name a kind's form field has (the source form holds them all at once). */
export type SourceFormFieldName = { [K in SourceKind]: (typeof SOURCE_SPECS)[K]["form"][number]["name"] }[SourceKind];

/** The spec of a kind named by input or a stored row (undefined for an unknown name). */
export function specOf(kind: string): SourceKindSpec | undefined {
  return Object.hasOwn(SOURCE_SPECS, kind) ? (SOURCE_SPECS[kind as SourceKind] as unknown as SourceKindSpec) : undefined;
}
