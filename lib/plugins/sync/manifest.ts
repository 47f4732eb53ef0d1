import { z } from "zod";
import { ZPluginDescriptor } from "../contract";
import { archiveKey, manifestKey, objectKey, type CacheStore } from "../cache/types";
import { SOURCE_KINDS } from "../sources/specs";

/**
 * manifest.json: the whole truth about one generation. Written last, validated on read. Files are listed per set
 * with sha256 + size; a set's contents are one content-addressed archive (archives/), or, in generations written
 * before archives, one object per file (objects/).
 */

const ZSha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** The allowed key that signed a git source's revision (signature policy on). */
export const ZSigner = z.object({ name: z.string(), fingerprint: z.string() });
export const ZFileEntry = z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: ZSha256 });
export type FileEntry = z.infer<typeof ZFileEntry>;

export const ZSetEntry = z.object({
  source: z.string(),
  submodule: z.string(),
  version: z.string(),
  importModules: z.array(z.string()),
  /** Hash of (submodule, version, importModules): a changed set config is fetched again. */
  configHash: z.string(),
  /** The source revision these files came from. */
  revision: z.string(),
  /** fresh: fetched and described by this run; reused: unchanged, taken from the previous generation without
   * fetching; carried_over: this run failed for the set, the last good copy is kept (see reason). */
  status: z.enum(["fresh", "reused", "carried_over"]),
  reason: z.string().optional(),
  syncedAt: z.string(),
  files: z.array(ZFileEntry),
  /** The set's files as one archive (cache/set-archive.ts). Absent in older generations: each file is an object. */
  archive: z.object({ sha256: ZSha256, size: z.number().int().nonnegative() }).optional(),
  modules: z.array(z.object({ entry: z.string(), file: z.string() })),
  plugins: z.array(ZPluginDescriptor.and(z.object({ module: z.string() }))),
  errors: z.array(z.object({ module: z.string(), error: z.string() })),
  /** The key that signed `revision`, when the source has a signature policy. */
  signer: ZSigner.optional(),
  /** Plugins the source's allow/deny lists left out (sync/plugin-filter.ts); absent when none were. */
  refused: z
    .array(z.object({ code: z.string(), version: z.string(), group: z.string(), reason: z.enum(["denied", "not_allowed"]), pattern: z.string().optional() }))
    .optional(),
});
export type SetEntry = z.infer<typeof ZSetEntry>;

export const ZManifest = z.object({
  schema: z.literal(1),
  generation: z.number().int().positive(),
  runId: z.string(),
  createdAt: z.string(),
  sources: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(SOURCE_KINDS),
      revision: z.string().nullable(),
      status: z.enum(["synced", "reused", "failed"]),
      error: z.string().optional(),
      signer: ZSigner.optional(),
    }),
  ),
  sets: z.array(ZSetEntry),
  /** Sets that have no usable copy at all (never synced successfully). */
  failed: z.array(z.object({ source: z.string(), submodule: z.string(), error: z.string() })),
  /** code+version pairs offered by more than one set: none of them is loaded. */
  clashes: z.array(z.object({ code: z.string(), version: z.string(), sets: z.array(z.string()) })),
});
export type Manifest = z.infer<typeof ZManifest>;

export async function readManifest(cache: CacheStore, generation: number): Promise<Manifest> {
  return (await readManifestWithBytes(cache, generation)).manifest;
}

/** The validated manifest and the exact bytes it was parsed from (the loader keeps those as its local copy). */
export async function readManifestWithBytes(cache: CacheStore, generation: number): Promise<{ manifest: Manifest; raw: Buffer }> {
  const raw = await cache.get(manifestKey(generation));
  return { manifest: ZManifest.parse(JSON.parse(raw.toString("utf8"))), raw };
}

/**
 * Whether two manifests describe the same generation content: the same sets (files, modules, descriptors, import
 * errors, revision, config), the same sets with no usable copy, the same clashes, and the same sets kept as last good
 * copies. What one run says about itself (number, run id, times, why a set failed this time, fresh vs reused) is
 * left out: a sync that finds exactly what the active generation holds makes no new one.
 */
export function sameContent(a: Manifest, b: Manifest): boolean {
  return JSON.stringify(contentOf(a)) === JSON.stringify(contentOf(b));
}

function contentOf(m: Manifest) {
  const byKey = <T extends { source: string; submodule: string }>(list: T[]) => [...list].sort((x, y) => setKey(x).localeCompare(setKey(y)));
  return {
    sources: m.sources.map((s) => [s.name, s.kind]).sort(),
    sets: byKey(m.sets).map(({ status, reason: _reason, syncedAt: _syncedAt, ...rest }) => ({ ...rest, keptLastGood: status === "carried_over" })),
    failed: byKey(m.failed).map((f) => setKey(f)),
    clashes: m.clashes.map((c) => `${c.code}@${c.version}:${[...c.sets].sort().join(",")}`).sort(),
  };
}

/** The cache keys holding a set's contents: its archive, or (older generations) one object per file. */
export const contentKeysOf = (set: SetEntry): string[] => (set.archive ? [archiveKey(set.archive.sha256)] : set.files.map((f) => objectKey(f.sha256)));

/** The set's key in logs and clash reports. */
export const setKey = (s: { source: string; submodule: string }) => `${s.source}/${s.submodule}`;
