/**
 * File-system sources: copy the sets' submodules (ctx.submodules) of a local directory (absolute path) into ctx.dir.
 * The revision is a hash of what is copied, so a touched-but-unchanged file does not count as a change.
 */
import { createHash } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { meteredHash } from "../metered-hash";
import { pipeline } from "node:stream/promises";
import { PluginSourceError, type FetchContext, type FetchResult, type FsSettings, type SourceFetcher } from "../../types";
import { Budget, Operation, checkLinkInside, checkSegment, errorMessage, isInside, resolveReal } from "../common";
import { Staging } from "../staging";
import { logLine } from "../../log-line";

type Ctx = Omit<FetchContext, "dir">;

/** The revision line of a regular file: `relpath "\0" size "\0" sha256(content) "\n"`. */
export const fileLine = (rel: string, size: number, sha256: string) => `${rel}\0${size}\0${sha256}\n`;
/** The revision line of a symlink (not in the file formula, so that retargeting a link changes the revision). */
export const linkLine = (rel: string, target: string) => `${rel}\0symlink\0${target}\n`;
/** The revision line of an entry left out as unsafe (see Staging). */
const rejectedLine = (rel: string) => `${rel}\0rejected\n`;

export function fsRevision(lines: string[]): string {
  const h = createHash("sha256");
  for (const l of [...lines].sort()) h.update(l, "utf8");
  return h.digest("hex");
}

const FILE_OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function mapFsError(e: unknown, where: string): PluginSourceError {
  const code = (e as { code?: string })?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return new PluginSourceError(`${where} disappeared while reading it`, "not_found");
  if (code === "ELOOP") return new PluginSourceError(`${where} became a symlink while reading it`, "unsafe_path");
  if (code === "EACCES" || code === "EPERM") return new PluginSourceError(`permission denied reading ${where}`, "config");
  return new PluginSourceError(`cannot read ${where}: ${errorMessage(e)}`, "config");
}

async function scan(settings: FsSettings, ctx: Ctx, dest: string | undefined): Promise<FetchResult> {
  const src = settings.path ?? "";
  if (!src || !path.isAbsolute(src)) throw new PluginSourceError("the source path must be an absolute path", "config");
  let root: string;
  try {
    root = await fsp.realpath(/*turbopackIgnore: true*/ src);
    if (!(await fsp.stat(root)).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new PluginSourceError(`directory ${src} does not exist`, "not_found");
    throw mapFsError(e, src);
  }
  const destRoot = dest ? await fsp.realpath(dest) : undefined;
  const op = new Operation(ctx.limits, ctx.signal);
  const budget = new Budget(ctx.limits);
  const lines: string[] = [];
  const links: string[] = [];
  const staging = new Staging(ctx.submodules);

  const copyFile = async (abs: string, rel: string, out: string | undefined) => {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(abs, FILE_OPEN_FLAGS);
    } catch (e) {
      throw mapFsError(e, rel);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new PluginSourceError(`${JSON.stringify(rel)} is not a regular file`, "unsafe_path");
      const tap = meteredHash((n) => budget.addBytes(n), !!out);
      const sink = out
        ? createWriteStream(out, { flags: "wx", mode: st.mode & 0o111 ? 0o755 : 0o644 })
        : new Writable({ write: (_c, _e, cb) => cb() });
      await pipeline(handle.createReadStream({ autoClose: false }), tap, sink, { signal: op.signal });
      const { size, sha256 } = tap.result();
      lines.push(fileLine(rel, size, sha256));
    } finally {
      await handle.close().catch(() => undefined);
    }
  };

  /** One entry of a staged directory, or a directory above one (walked through, nothing else copied). */
  const visit = async (dirAbs: string, name: string, rel: string, outDir: string | undefined) => {
    const abs = path.join(dirAbs, name);
    checkSegment(name, `file name ${JSON.stringify(rel)}`);
    let st;
    try {
      st = await fsp.lstat(abs);
    } catch (e) {
      throw mapFsError(e, rel);
    }
    const out = outDir ? path.join(outDir, name) : undefined;
    if (st.isDirectory()) {
      if (out) await fsp.mkdir(out);
      await walk(abs, `${rel}/`, out);
    } else if (staging.isRootOrAbove(rel)) {
      if (st.isSymbolicLink()) throw new PluginSourceError(`${JSON.stringify(rel)} is a symlink; a submodule and the folders above it must be directories`, "unsafe_path");
    } else if (st.isFile()) {
      budget.addFiles();
      await copyFile(abs, rel, out);
    } else if (st.isSymbolicLink()) {
      budget.addFiles();
      const real = await resolveReal(abs);
      if (real === undefined || !isInside(root, real)) {
        throw new PluginSourceError(`symlink ${JSON.stringify(rel)} points outside the source directory`, "unsafe_path");
      }
      let target = await fsp.readlink(abs);
      // An absolute target inside the root would point back at the source from the copy: make it relative.
      if (path.isAbsolute(target)) target = path.relative(dirAbs, real) || ".";
      if (out) {
        await fsp.symlink(target, out);
        links.push(rel);
      }
      lines.push(linkLine(rel, target));
    } else {
      const kind = st.isFIFO() ? "a FIFO" : st.isSocket() ? "a socket" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : "a special file";
      throw new PluginSourceError(`${JSON.stringify(rel)} is ${kind}; only files, directories and symlinks are allowed`, "unsafe_path");
    }
  };

  const walk = async (dirAbs: string, relPrefix: string, outDir: string | undefined): Promise<void> => {
    op.throwIfAborted();
    let entries: string[];
    try {
      entries = (await fsp.readdir(dirAbs)).sort();
    } catch (e) {
      throw mapFsError(e, relPrefix || src);
    }
    for (const name of entries) {
      op.throwIfAborted();
      const rel = relPrefix + name;
      // Outside the sets' submodules: ignored, whatever it is.
      if (!staging.holds(rel) && !staging.leadsTo(rel)) continue;
      if (name.toLowerCase() === ".git") {
        ctx.log(logLine("fsSkippedGit", { path: rel }));
        continue;
      }
      if (destRoot && path.join(dirAbs, name) === destRoot) {
        ctx.log(logLine("fsSkippedDestination", { path: rel }));
        continue;
      }
      // A rejected entry changes the revision too, so that fixing it is noticed.
      if (!(await staging.guard(rel, () => visit(dirAbs, name, rel, outDir)))) lines.push(rejectedLine(rel));
    }
  };

  try {
    await op.run(async () => {
      await walk(root, "", destRoot);
      // Lexically fine links can still leave through other links: where each one really leads, once all are written.
      for (const rel of links) {
        if (!(await staging.guard(rel, () => checkLinkInside(destRoot!, rel)))) await fsp.rm(path.join(destRoot!, ...rel.split("/")));
      }
    });
  } catch (e) {
    throw op.settle(e, (err) => mapFsError(err, src));
  } finally {
    await op.close();
  }
  return { revision: fsRevision(lines), files: budget.files, bytes: budget.bytes, rejected: staging.rejected };
}

export const fsFetcher: SourceFetcher<"fs"> = {
  async revision(settings, _secret, ctx) {
    return (await scan(settings, ctx, undefined)).revision;
  },
  async fetch(settings, _secret, ctx) {
    const started = Date.now();
    const res = await scan(settings, ctx, ctx.dir);
    ctx.log(logLine("fsCopied", { files: res.files, bytes: res.bytes, ms: Date.now() - started }));
    return res;
  },
};
