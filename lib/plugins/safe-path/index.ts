/**
 * The one rule for paths that come from configuration (submodules, import modules) or from remote content (file
 * names in a repository, keys in a bucket, entries in an archive, paths in a manifest, cache keys). Pure string
 * checks with no Node imports: the admin form runs them in the browser too. What the file system says about a path
 * (symlinks, real paths) is in ./fs.ts.
 *
 * A safe relative path is POSIX ("/"-separated), not absolute, without a drive letter, backslash or NUL, and made
 * of segments none of which is empty, "." or "..". So joined to a root it can only name something below that root.
 */

/** A path segment that is a name, not a way out: not empty, ".", "..", and without "/", "\" or NUL. */
export function isSafeSegment(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
}

/** Characters allowed in the segments of paths an admin writes (submodules, module files). */
const CONFIG_SEGMENT = /^[A-Za-z0-9_.@+-]+$/;

/**
 * Whether `p` is a safe relative path (see above). `config`: the stricter rule for what an admin types
 * (submodules, import-module files), whose segments use letters, digits and `_ . @ + -` only.
 */
export function isSafeRelativePath(p: string, opts: { config?: boolean } = {}): boolean {
  if (typeof p !== "string" || p === "" || p.startsWith("/") || /^[A-Za-z]:/.test(p) || p.includes("\\") || p.includes("\0")) return false;
  return p.split("/").every((seg) => isSafeSegment(seg) && (!opts.config || CONFIG_SEGMENT.test(seg)));
}

/** The segments of a safe relative path, or null when it is not one. */
export function safeSegments(p: string): string[] | null {
  return isSafeRelativePath(p) ? p.split("/") : null;
}

/**
 * Where a symlink stored at `rel` (a safe relative path) points, resolved lexically against its own directory; null
 * when the target is absolute, has a drive letter, backslash or NUL, or climbs above the root.
 */
export function linkTargetInside(rel: string, target: string): string | null {
  if (target === "" || target.startsWith("/") || /^[A-Za-z]:/.test(target) || target.includes("\\") || target.includes("\0")) return null;
  const out = rel.split("/").slice(0, -1);
  for (const seg of target.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (!out.length) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.join("/");
}

/** Dotted module path ("custom_plugins.collections.test1"). */
export const DOTTED_MODULE = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;
/** An import module given as a file. */
export const MODULE_FILE = /\.m?js$/;

/** Where an import-module entry lives, written from the source root ("a.b.c" → "a/b/c"; files as given). */
export function modulePathOf(entry: string): string {
  return MODULE_FILE.test(entry) ? entry : entry.split(".").join("/");
}

/** Whether an import-module entry is well formed: a safe `.js`/`.mjs` path, or a dotted module path. */
export function isModuleEntry(entry: string): boolean {
  return MODULE_FILE.test(entry) ? isSafeRelativePath(entry, { config: true }) : DOTTED_MODULE.test(entry);
}

/** Whether `p` (a safe relative path) lies inside `dir` (one too, or "" for the root): "a/b" is inside "a", "a" is not. */
export function isBelow(dir: string, p: string): boolean {
  return dir === "" || p.startsWith(`${dir}/`);
}

/**
 * The directories to stage for a source's plugin sets: the safe submodules, without those inside another ("a/b"
 * when "a" is staged), sorted; none given means the whole source ([""]). An unsafe submodule stages nothing (its
 * set fails when it is checked).
 */
export function stagedRoots(submodules?: readonly string[]): string[] {
  if (!submodules) return [""];
  const safe = [...new Set(submodules.filter((s) => isSafeRelativePath(s, { config: true })))].sort();
  return safe.filter((s) => !safe.some((other) => other !== s && isBelow(other, s)));
}

/** Whether two safe relative paths are the same, or one lies inside the other. */
export function overlaps(a: string, b: string): boolean {
  return a === b || isBelow(a, b) || isBelow(b, a);
}
