import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { PluginSourceError, type FileDigest } from "../types";
import { isSafeSegment } from "../safe-path";
import { isInside } from "../safe-path/fs";
import { realSubmoduleDir, resolveModule } from "./resolve-module";

export interface SetLimits {
  /** Refuse a set with a file larger than this (bytes). */
  maxFileBytes: number;
  /** Refuse a set whose files add up to more than this (bytes). */
  maxSetBytes: number;
  /** Refuse a set with more files than this (directories are bounded by the same number, counted apart). */
  maxFiles: number;
}

export const DEFAULT_SET_LIMITS: SetLimits = {
  maxFileBytes: 20 * 1024 * 1024,
  maxSetBytes: 200 * 1024 * 1024,
  maxFiles: 5000,
};

export interface InspectedFile {
  /** Relative to the submodule directory, POSIX separators. */
  path: string;
  size: number;
  /** Hex sha256 of the content. */
  sha256: string;
}

export interface InspectedSet {
  /** Absolute submodule directory (as joined from the source root, not its real path). */
  dir: string;
  /** Every file of the set, sorted by path (code-unit order). */
  files: InspectedFile[];
  /** The set's import modules in the order given; `file` is relative to the submodule directory. */
  modules: { entry: string; file: string }[];
  /** Sum of the files' sizes. */
  bytes: number;
}

export interface PluginSetRef {
  submodule: string;
  version: string;
  importModules: string[];
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Lists and hashes one plugin set (the submodule directory inside a fetched source) and resolves its import
 * modules. Everything that makes the set unsafe or too big is refused with a PluginSourceError:
 *
 * - the submodule must exist, be a directory and lie inside the source root after resolving symlinks
 *   ("not_found" / "unsafe_path");
 * - names with a backslash or NUL, or that are "." / ".." ("unsafe_path");
 * - fifos, sockets and devices ("unsafe_path");
 * - symlinks: a link whose real target leaves the submodule directory is refused ("unsafe_path"), and so is a
 *   dangling link. A link to a regular file inside the set is recorded under the LINK's path with the target's
 *   size and content hash (so the cache gets a plain copy). A link to a directory is refused ("unsafe_path"),
 *   even inside the set: links are never followed for listing (no cycles, no double counting);
 * - a file over maxFileBytes, more than maxFiles files (or directories), more than maxSetBytes in all ("too_large");
 * - an entry named `.git` (directory, or the gitfile of a git submodule) is skipped with everything below it.
 *
 * Import modules are resolved with resolveModule; a module that resolves to a file not listed (e.g. under
 * `.git`) is "module_not_found". The first failing module fails the whole set.
 */
export async function inspectSet(
  sourceRoot: string,
  set: PluginSetRef,
  limits: Partial<SetLimits> = {},
  digests?: ReadonlyMap<string, FileDigest>,
): Promise<InspectedSet> {
  const lim: SetLimits = { ...DEFAULT_SET_LIMITS, ...limits };
  const root = path.resolve(sourceRoot);
  const subReal = await realSubmoduleDir(root, set.submodule);
  const dir = path.join(root, ...set.submodule.split("/"));

  const files: InspectedFile[] = [];
  let bytes = 0;
  let dirs = 0;

  /** `known`: the fetcher's digest of this very file (not of a link's target), trusted when the size matches. */
  const addFile = async (rel: string, abs: string, known?: FileDigest) => {
    if (files.length + 1 > lim.maxFiles) {
      throw new PluginSourceError(`the set has more than ${lim.maxFiles} files`, "too_large");
    }
    if (known && known.size > lim.maxFileBytes) throw new PluginSourceError(`"${rel}" is larger than ${lim.maxFileBytes} bytes`, "too_large");
    const { size, sha256 } = known ?? (await hashFile(abs, rel, lim.maxFileBytes));
    bytes += size;
    if (bytes > lim.maxSetBytes) {
      throw new PluginSourceError(`the set is larger than ${lim.maxSetBytes} bytes`, "too_large");
    }
    files.push({ path: rel, size, sha256 });
  };

  // Synchronous metadata calls and reads of small files: thousands of 2 KB files through fs.promises cost 5-10x
  // more (thread-pool round trips, BENCHMARKS.md P1). The walk yields to the event loop every 64 files.
  let sinceYield = 0;
  const walk = async (absDir: string, relDir: string): Promise<void> => {
    if (++dirs > lim.maxFiles) {
      throw new PluginSourceError(`the set has more than ${lim.maxFiles} directories`, "too_large");
    }
    for (const entry of readdirSync(absDir, { withFileTypes: true })) {
      const name = entry.name;
      const rel = relDir ? `${relDir}/${name}` : name;
      if (!isSafeSegment(name)) {
        throw new PluginSourceError(`unsafe file name ${JSON.stringify(rel)}`, "unsafe_path");
      }
      if (name === ".git") continue;
      if (++sinceYield % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      const abs = path.join(absDir, name);
      const info = lstatSync(abs);
      if (info.isDirectory()) {
        await walk(abs, rel);
      } else if (info.isFile()) {
        const known = digests?.get(`${set.submodule}/${rel}`);
        await addFile(rel, abs, known && known.size === info.size ? known : undefined);
      } else if (info.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(abs);
        } catch {
          throw new PluginSourceError(`dangling symbolic link "${rel}"`, "unsafe_path");
        }
        if (!isInside(subReal, target, { orSame: true })) {
          throw new PluginSourceError(`symbolic link "${rel}" points outside the set`, "unsafe_path");
        }
        const targetInfo = statSync(target);
        if (targetInfo.isDirectory()) {
          throw new PluginSourceError(
            `symbolic link "${rel}" points to a directory (links to directories are not supported)`,
            "unsafe_path",
          );
        }
        if (!targetInfo.isFile()) throw new PluginSourceError(`symbolic link "${rel}" points to a special file`, "unsafe_path");
        await addFile(rel, target);
      } else {
        throw new PluginSourceError(`"${rel}" is a special file (fifo, socket or device)`, "unsafe_path");
      }
    }
  };
  await walk(dir, "");
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const listed = new Set(files.map((f) => f.path));
  const prefix = set.submodule + "/";
  const modules: InspectedSet["modules"] = [];
  for (const entry of set.importModules) {
    const fromRoot = await resolveModule(root, set.submodule, entry);
    const file = fromRoot.slice(prefix.length);
    if (!listed.has(file)) {
      throw new PluginSourceError(`import module "${entry}" (${fromRoot}) is not one of the set's files`, "module_not_found");
    }
    modules.push({ entry, file });
  }
  return { dir, files, modules, bytes };
}

/** Staged files up to this size are read in one synchronous call; larger ones are streamed. */
export const SYNC_READ_MAX = 1 << 20;

/** Hashes one regular file, refusing it past maxBytes (also if it grows while being read). */
async function hashFile(abs: string, rel: string, maxBytes: number): Promise<{ size: number; sha256: string }> {
  const tooLarge = () => new PluginSourceError(`"${rel}" is larger than ${maxBytes} bytes`, "too_large");
  const cannotOpen = (e: NodeJS.ErrnoException) =>
    // ELOOP: swapped for a symlink after it was listed.
    new PluginSourceError(`cannot read "${rel}": ${e.code ?? e.message}`, e.code === "ELOOP" ? "unsafe_path" : "not_found");
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (e) {
    throw cannotOpen(e as NodeJS.ErrnoException);
  }
  let streamed = false;
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new PluginSourceError(`"${rel}" is not a regular file`, "unsafe_path");
    if (info.size > maxBytes) throw tooLarge();
    if (info.size > SYNC_READ_MAX) {
      streamed = true;
    } else {
      // One byte more than stat said, so a file that grew since is noticed.
      const buf = Buffer.allocUnsafe(info.size + 1);
      let size = 0;
      for (;;) {
        const n = readSync(fd, buf, size, buf.length - size, null);
        if (n === 0) break;
        size += n;
        if (size === buf.length) {
          streamed = true; // it grew: hash it again, streaming
          break;
        }
      }
      if (!streamed) return { size, sha256: createHash("sha256").update(buf.subarray(0, size)).digest("hex") };
    }
  } finally {
    closeSync(fd);
  }
  return streamFile(abs, maxBytes, tooLarge, cannotOpen);
}

async function streamFile(
  abs: string,
  maxBytes: number,
  tooLarge: () => PluginSourceError,
  cannotOpen: (e: NodeJS.ErrnoException) => PluginSourceError,
): Promise<{ size: number; sha256: string }> {
  const handle = await open(abs, OPEN_FLAGS).catch((e: NodeJS.ErrnoException) => {
    throw cannotOpen(e);
  });
  try {
    if (!(await handle.stat()).isFile()) throw cannotOpen(Object.assign(new Error("not a regular file"), { code: "EINVAL" }));
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(64 * 1024);
    let size = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes) throw tooLarge();
      hash.update(buf.subarray(0, bytesRead));
    }
    return { size, sha256: hash.digest("hex") };
  } finally {
    await handle.close();
  }
}
