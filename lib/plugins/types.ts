/**
 * The plugin library's shared types. Nothing in lib/plugins imports from next, react, prisma or lib/server:
 * the stages (sources → sync → cache → loader → registry) take plain data and are tested on their own.
 */

import type { SignaturePolicy } from "./trust/policy";
import type { Signer } from "./trust/verify-signature";

export type { SecretsByKind, SettingsByKind, SourceKind } from "./sources/specs";
import type { SecretsByKind, SettingsByKind, SourceKind } from "./sources/specs";
import type { SyncLogLine } from "./log-line";

export type GitSettings = SettingsByKind["git"];
export type S3Settings = SettingsByKind["s3"];
export type FsSettings = SettingsByKind["fs"];

export interface FetchLimits {
  /** Connection (first byte) timeout. */
  connectTimeoutMs: number;
  /** Whole-fetch timeout. */
  totalTimeoutMs: number;
  /** Refuse a fetch that downloads more than this many bytes in all. */
  maxBytes: number;
  /** Refuse a fetch with more files than this. */
  maxFiles: number;
}

export interface FetchContext {
  /** An empty directory the fetcher writes the source's files into (the source root). */
  dir: string;
  /** EXTERNAL_PLUGINS_SOURCE_SECURE_LOOSE, checked again at fetch time. */
  allowHttp: boolean;
  limits: FetchLimits;
  /** Extra CA certificates (PEM) for https remotes, besides the system ones / NODE_EXTRA_CA_CERTS. */
  ca?: string;
  signal?: AbortSignal;
  /** Progress, as a catalog key with parameters (see log-line.ts). */
  log: (line: SyncLogLine) => void;
  /**
   * The submodules of the source's plugin sets: only these directories are staged, counted against the limits and
   * checked (sources/staging.ts); the rest of the source is ignored. Absent: the whole source.
   */
  submodules?: readonly string[];
  /** The source's signature policy (git: the fetched commit or tag; http: the archive; s3: its SHA256SUMS) must be signed by one of these keys. */
  signature?: SignaturePolicy | null;
}

export interface FetchResult {
  /** git: commit SHA; s3: sha256 over keys + ETags; fs: sha256 over paths + sizes + content hashes. */
  revision: string;
  files: number;
  bytes: number;
  /**
   * Size and sha256 of the regular files the fetcher wrote, by POSIX path relative to ctx.dir, when it hashed them
   * anyway while writing (git). Staging trusts an entry whose size still matches instead of reading the file again:
   * the directory is private to the sync run.
   */
  digests?: ReadonlyMap<string, FileDigest>;
  /** Unsafe entries found inside the staged directories and left out: each fails the sets that hold it. */
  rejected?: RejectedPath[];
  /** Under a signature policy: the allowed key that signed the fetched commit or tag. */
  signer?: Signer;
}

/** An entry a fetcher refused to stage: its path from the source root (POSIX) and why. */
export interface RejectedPath {
  path: string;
  error: string;
}

export interface FileDigest {
  size: number;
  sha256: string;
}

/**
 * One kind of plugin source. `revision` answers cheaply what `fetch` would record (git: ask the remote for the
 * ref's SHA; s3: list keys + ETags), so an unchanged source is not downloaded again.
 */
export interface SourceFetcher<K extends SourceKind> {
  /** `ctx.previous`: the revision the last generation recorded for this source, for a conditional request. */
  revision(settings: SettingsByKind[K], secret: SecretsByKind[K], ctx: Omit<FetchContext, "dir"> & { previous?: string }): Promise<string>;
  fetch(settings: SettingsByKind[K], secret: SecretsByKind[K], ctx: FetchContext): Promise<FetchResult>;
}

/** A fetch/describe failure that is the remote's or the content's fault (recorded as data, not a crash). */
export class PluginSourceError extends Error {
  constructor(
    message: string,
    readonly code:
      | "config"
      | "insecure"
      | "network"
      | "auth"
      | "not_found"
      | "timeout"
      | "too_large"
      | "unsafe_path"
      | "module_not_found"
      | "describe"
      | "integrity"
      | "signature",
  ) {
    super(message);
    this.name = "PluginSourceError";
  }
}
