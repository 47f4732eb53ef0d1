import { isSafeRelativePath } from "../safe-path";

/**
 * The cache Opsflow owns: a flat key → bytes store, on a file system or in S3, with the same interface.
 *
 * Layout (content-addressed, so nothing written is ever modified and unchanged content is never stored twice):
 *   archives/<sha256[0..2]>/<sha256>.tar   one per set version: the set's files (./set-archive.ts), immutable
 *   objects/<sha256[0..2]>/<sha256>        one per file: how generations were stored before set archives (still read)
 *   generations/<nnnnnnnn>/manifest.json   one per generation, written last: no manifest, no generation
 *   install.json                           the install that owns this location (owner.ts), written once
 */
export interface CacheStore {
  /** Where this cache is, for logs and the UI (no credentials). */
  readonly location: string;
  put(key: string, body: Buffer): Promise<void>;
  /**
   * Writes `key` only if it does not exist (fs: an exclusive link; S3: `If-None-Match: *`), so of several writers at
   * once exactly one wins. True when this call wrote it.
   */
  putIfAbsent(key: string, body: Buffer): Promise<boolean>;
  get(key: string): Promise<Buffer>;
  /** Null when the key does not exist. */
  getIfExists(key: string): Promise<Buffer | null>;
  has(key: string): Promise<boolean>;
  /** Keys under a prefix (recursive). */
  list(prefix: string): Promise<string[]>;
  delete(keys: string[]): Promise<void>;
}

export const objectKey = (sha256: string) => `objects/${sha256.slice(0, 2)}/${sha256}`;
export const archiveKey = (sha256: string) => `archives/${sha256.slice(0, 2)}/${sha256}.tar`;
/** The prefixes of content that manifests reference (what garbage collection looks through). */
export const CONTENT_PREFIXES = ["archives/", "objects/"] as const;
export const manifestKey = (generation: number) => `generations/${String(generation).padStart(8, "0")}/manifest.json`;

/** A cache key is a safe relative path (lib/plugins/safe-path); anything else is a programming error. */
export function assertSafeKey(key: string): void {
  if (!isSafeRelativePath(key)) throw new Error(`unsafe cache key: ${JSON.stringify(key)}`);
}
