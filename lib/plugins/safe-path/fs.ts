import fsp from "node:fs/promises";
import path from "node:path";

/**
 * What the file system says about a path: whether a real path lies inside a root, and where a path with symlinks
 * really leads. The string rules are in ./index.ts.
 */

/** True when `p` is below `root` (both absolute and normalised, e.g. real paths); `orSame`: `root` itself counts. */
export function isInside(root: string, p: string, opts: { orSame?: boolean } = {}): boolean {
  if (p === root) return Boolean(opts.orSame);
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Where an absolute path really leads: walks it component by component, following symlinks (≤40 hops) and applying
 * ".." to the real directory reached so far (unlike path.resolve). Components that do not exist are taken literally.
 * Returns undefined on a symlink loop.
 */
export async function resolveReal(abs: string): Promise<string | undefined> {
  const queue = abs.split("/");
  let cur = "/";
  let hops = 0;
  let missing = false;
  while (queue.length) {
    const part = queue.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(/*turbopackIgnore: true*/ cur, part);
    if (!missing) {
      let isLink = false;
      try {
        isLink = (await fsp.lstat(next)).isSymbolicLink();
      } catch {
        missing = true;
      }
      if (isLink) {
        if (++hops > 40) return undefined;
        const target = await fsp.readlink(next);
        if (target.startsWith("/")) cur = "/";
        queue.unshift(...target.split("/"));
        continue;
      }
    }
    cur = next;
  }
  return cur;
}
