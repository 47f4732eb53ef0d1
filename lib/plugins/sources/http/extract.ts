import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";
import { safeSegments } from "../../safe-path";
import { PluginSourceError, type FileDigest } from "../../types";
import { localFsError, type Operation } from "../common";

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
 * Extracts a .tar.gz or .zip (told apart by their first bytes) into `dir`, refusing anything that is not a
 * directory or a regular file (links, devices, FIFOs), any name that is not a safe relative path (absolute, "..",
 * backslash, NUL, drive letters), more than `maxEntries` entries, more than `maxBytes` extracted, and a compression
 * ratio over `maxRatio` (a zip bomb). `strip` leading folders of every name are dropped (GitHub's "repo-<sha>/");
 * what lies above them is skipped. Every failure is a PluginSourceError; `dir` is the caller's to remove.
 */
export async function extractArchive(file: string, compressedBytes: number, dir: string, strip: number, limits: ExtractLimits, op: Operation): Promise<Extracted> {
  const head = Buffer.alloc(4);
  const fh = await fsp.open(file, "r");
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  const state = new State(dir, strip, compressedBytes, limits, op);
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
  ) {}

  /** The path of an entry below `dir` after stripping, or null for one that lies above the stripped folders. */
  target(rawName: string, isDir: boolean): { rel: string; abs: string } | null {
    if (++this.entries > this.limits.maxEntries) throw new PluginSourceError(`the archive has more than ${this.limits.maxEntries} entries (limit)`, "too_large");
    let name = rawName.replace(/^(\.\/)+/, "");
    if (isDir) name = name.replace(/\/+$/, "");
    if (name === "" || name === ".") return null;
    const parts = safeSegments(name);
    if (!parts) throw unsafe(`unsafe name in the archive: ${JSON.stringify(rawName)}`);
    if (parts.length <= this.strip) return null;
    const rel = parts.slice(this.strip).join("/");
    return { rel, abs: path.join(this.dir, ...rel.split("/")) };
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
    const hash = createHash("sha256");
    let size = 0;
    const count = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        try {
          this.add(chunk.length);
        } catch (e) {
          return cb(e as Error);
        }
        size += chunk.length;
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, count, createWriteStream(abs, { flags: "wx", mode: 0o644 }), { signal: this.op.signal });
    } catch (e) {
      throw e instanceof PluginSourceError ? e : (localFsError(e) ?? e);
    }
    this.digests.set(rel, { size, sha256: hash.digest("hex") });
  }
}

async function extractTarGz(file: string, state: State): Promise<void> {
  const extract = tar.extract();
  const done = pipeline(createReadStream(file), zlib.createGunzip(), extract as unknown as NodeJS.WritableStream, { signal: state.op.signal });
  done.catch(() => undefined); // awaited below, after the entries
  for await (const entry of extract) {
    const h = entry.header;
    if (h.type === "directory") {
      const t = state.target(h.name, true);
      if (t) await fsp.mkdir(t.abs, { recursive: true });
      entry.resume();
      continue;
    }
    if (h.type === "symlink" || h.type === "link") throw unsafe(`the archive holds a link: ${JSON.stringify(h.name)} → ${JSON.stringify(h.linkname)}`);
    if (h.type !== "file" && h.type !== "contiguous-file") throw unsafe(`the archive holds a ${h.type}: ${JSON.stringify(h.name)}`);
    const t = state.target(h.name, false);
    if (!t) {
      entry.resume();
      continue;
    }
    await state.write(t.rel, t.abs, entry as unknown as Readable);
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
          if (type === S_IFLNK) throw unsafe(`the archive holds a link: ${JSON.stringify(entry.fileName)}`);
          if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw unsafe(`the archive holds a special file: ${JSON.stringify(entry.fileName)}`);
          const t = state.target(entry.fileName, isDir);
          if (t && isDir) await fsp.mkdir(t.abs, { recursive: true });
          else if (t) {
            if (entry.uncompressedSize > Math.max(1, entry.compressedSize) * state.limits.maxRatio) {
              throw new PluginSourceError(`${JSON.stringify(entry.fileName)} expands more than ${state.limits.maxRatio}:1 (a compression bomb?)`, "too_large");
            }
            const body = await new Promise<Readable>((res, rej) => zip.openReadStream(entry, (err, s) => (err ? rej(err) : res(s!))));
            await state.write(t.rel, t.abs, body);
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
