import { createReadStream, createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { meteredHash } from "../metered-hash";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";
import { safeSegments } from "../../safe-path";
import { PluginSourceError, type FileDigest } from "../../types";
import { localFsError, type Operation } from "../common";
import type { Staging } from "../staging";

export interface ExtractLimits {
  /** Bytes of all files together, as extracted. */
  maxBytes: number;
  /** Entries of any type (directories included). */
  maxEntries: number;
  /** Extracted bytes per archive byte, for the whole archive and (zip) per entry. */
  maxRatio: number;
}

export const DEFAULT_MAX_RATIO = 100;

export interface Extracted {
  files: number;
  bytes: number;
  digests: Map<string, FileDigest>;
}

const unsafe = (message: string) => new PluginSourceError(message, "unsafe_path");

/**
 * Extracts the entries of a .tar.gz or .zip (told apart by their first bytes) that lie in the staged directories
 * into `dir`; the rest is skipped. `strip` leading folders of every name are dropped first (GitHub's "repo-<sha>/").
 * A staged entry that is not a directory or a regular file (links, devices, FIFOs) or whose name is not a safe
 * relative path (absolute, "..", backslash, NUL, drive letters) is left out and recorded in `staging` (yauzl itself
 * refuses a whole zip with an absolute or ".." name). More than `maxEntries` staged entries, more than `maxBytes`
 * extracted or a compression ratio over `maxRatio` (a zip bomb) refuses the archive. Every failure is a
 * PluginSourceError; `dir` is the caller's to remove.
 */
export async function extractArchive(file: string, compressedBytes: number, dir: string, strip: number, limits: ExtractLimits, op: Operation, staging: Staging): Promise<Extracted> {
  const head = Buffer.alloc(4);
  const fh = await fsp.open(file, "r");
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  const state = new State(dir, strip, compressedBytes, limits, op, staging);
  if (head[0] === 0x1f && head[1] === 0x8b) await extractTarGz(file, state);
  else if (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50) await extractZip(file, state);
  else throw new PluginSourceError("the download is neither a .tar.gz nor a .zip archive", "config");
  return { files: state.digests.size, bytes: state.bytes, digests: state.digests };
}

class State {
  entries = 0;
  bytes = 0;
  readonly digests = new Map<string, FileDigest>();
  constructor(
    readonly dir: string,
    readonly strip: number,
    readonly compressed: number,
    readonly limits: ExtractLimits,
    readonly op: Operation,
    readonly staging: Staging,
  ) {}

  /**
   * The path of an entry below `dir` after stripping (POSIX), or null when it is not staged: above the stripped
   * folders, or outside the sets' submodules (ignored, whatever it is). Only staged entries count against the limit.
   */
  locate(rawName: string, isDir: boolean): string | null {
    let name = rawName.replace(/^(\.\/)+/, "");
    if (isDir) name = name.replace(/\/+$/, "");
    const parts = name.split("/");
    if (name === "" || name === "." || parts.length <= this.strip) return null;
    const rel = parts.slice(this.strip).join("/");
    if (!this.staging.holds(rel)) return null;
    if (++this.entries > this.limits.maxEntries) throw new PluginSourceError(`the archive has more than ${this.limits.maxEntries} entries (limit)`, "too_large");
    return rel;
  }

  /**
   * Checks a staged entry before anything is written: a directory or a regular file with a safe name. Anything else
   * is left out and recorded against its path (it fails the sets that hold it); returns where to write it, or null.
   */
  async admit(rawName: string, rel: string, problem?: string): Promise<string | null> {
    const ok = await this.staging.guard(rel, () => {
      if (problem) throw unsafe(problem);
      if (!safeSegments(rawName.replace(/^(\.\/)+/, "").replace(/\/+$/, ""))) throw unsafe(`unsafe name in the archive: ${JSON.stringify(rawName)}`);
    });
    return ok ? path.join(this.dir, ...rel.split("/")) : null;
  }

  /** Counts `n` more extracted bytes against the total and the archive's ratio. */
  add(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) throw new PluginSourceError(`the archive holds more than ${this.limits.maxBytes} bytes (limit)`, "too_large");
    if (this.bytes > Math.max(1, this.compressed) * this.limits.maxRatio) {
      throw new PluginSourceError(`the archive expands more than ${this.limits.maxRatio}:1 (a compression bomb?)`, "too_large");
    }
  }

  async write(rel: string, abs: string, body: Readable): Promise<void> {
    await fsp.mkdir(path.dirname(abs), { recursive: true });
    const count = meteredHash((n) => this.add(n));
    try {
      await pipeline(body, count, createWriteStream(abs, { flags: "wx", mode: 0o644 }), { signal: this.op.signal });
    } catch (e) {
      throw e instanceof PluginSourceError ? e : (localFsError(e) ?? e);
    }
    this.digests.set(rel, count.result());
  }
}

async function extractTarGz(file: string, state: State): Promise<void> {
  const extract = tar.extract();
  const done = pipeline(createReadStream(file), zlib.createGunzip(), extract as unknown as NodeJS.WritableStream, { signal: state.op.signal });
  done.catch(() => undefined); // awaited below, after the entries
  for await (const entry of extract) {
    const h = entry.header;
    const rel = state.locate(h.name, h.type === "directory");
    const problem =
      h.type === "symlink" || h.type === "link"
        ? `the archive holds a link: ${JSON.stringify(h.name)} → ${JSON.stringify(h.linkname)}`
        : h.type !== "directory" && h.type !== "file" && h.type !== "contiguous-file"
          ? `the archive holds a ${h.type}: ${JSON.stringify(h.name)}`
          : undefined;
    const abs = rel === null ? null : await state.admit(h.name, rel, problem);
    if (abs !== null && h.type !== "directory") {
      // A failed write ends the whole extraction (tar-stream cannot go on after an entry's stream failed).
      await state.write(rel!, abs, entry as unknown as Readable);
    } else {
      if (abs !== null) await fsp.mkdir(abs, { recursive: true });
      entry.resume();
    }
  }
  await done.catch((e: unknown) => {
    throw e instanceof PluginSourceError ? e : new PluginSourceError(`the archive is not a valid .tar.gz: ${(e as Error).message}`, "config");
  });
}

/** The type bits of a zip entry's Unix mode (upper 16 bits of its external attributes). */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

async function extractZip(file: string, state: State): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, strictFileNames: true }, (err, z) => (err ? reject(err) : resolve(z!))),
  ).catch((e: Error) => {
    throw new PluginSourceError(`the archive is not a valid .zip: ${e.message}`, "config");
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        zip.close();
        reject(e instanceof PluginSourceError ? e : new PluginSourceError(`the archive is not a valid .zip: ${(e as Error).message}`, /invalid relative path|absolute path/.test(String(e)) ? "unsafe_path" : "config"));
      };
      zip.on("error", fail);
      zip.on("end", resolve);
      zip.on("entry", (entry: yauzl.Entry) => {
        void (async () => {
          const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
          const isDir = entry.fileName.endsWith("/") || type === S_IFDIR;
          const problem =
            type === S_IFLNK
              ? `the archive holds a link: ${JSON.stringify(entry.fileName)}`
              : type !== 0 && type !== S_IFREG && type !== S_IFDIR
                ? `the archive holds a special file: ${JSON.stringify(entry.fileName)}`
                : undefined;
          const rel = state.locate(entry.fileName, isDir);
          const abs = rel === null ? null : await state.admit(entry.fileName, rel, problem);
          if (abs !== null && isDir) await fsp.mkdir(abs, { recursive: true });
          else if (abs !== null) {
            if (entry.uncompressedSize > Math.max(1, entry.compressedSize) * state.limits.maxRatio) {
              throw new PluginSourceError(`${JSON.stringify(entry.fileName)} expands more than ${state.limits.maxRatio}:1 (a compression bomb?)`, "too_large");
            }
            const body = await new Promise<Readable>((res, rej) => zip.openReadStream(entry, (err, s) => (err ? rej(err) : res(s!))));
            await state.write(rel!, abs, body);
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
