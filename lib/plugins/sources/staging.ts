/**
 * What a fetcher stages: only the directories of the source's plugin sets (ctx.submodules), so that nothing
 * elsewhere in the source can fail it. An unsafe entry inside them (a link leaving the source, a bad name, a special
 * file) is not written but recorded as rejected: it fails the sets that hold it (sync/build-sets), not the source.
 */
import { isBelow, overlaps, stagedRoots } from "../safe-path";
import { PluginSourceError, type RejectedPath } from "../types";

export class Staging {
  /** The staged directories ("" = the whole source), none inside another. */
  readonly roots: string[];
  readonly rejected: RejectedPath[] = [];

  constructor(submodules?: readonly string[]) {
    this.roots = stagedRoots(submodules);
  }

  /** Whether the entry at `rel` (from the source root, POSIX) is staged: it is a staged directory or lies inside one. */
  holds(rel: string): boolean {
    return this.roots.some((root) => root === rel || isBelow(root, rel));
  }

  /** Whether `rel` is a directory above a staged one (walked through, not staged itself). */
  leadsTo(rel: string): boolean {
    return this.roots.some((root) => isBelow(rel, root));
  }

  /** Whether `rel` is a staged directory or above one: it must be a real directory, not a link. */
  isRootOrAbove(rel: string): boolean {
    return this.roots.includes(rel) || this.leadsTo(rel);
  }

  /**
   * Runs the work for the entry at `rel`. An "unsafe_path" PluginSourceError is recorded against `rel` and the
   * result is false (the entry is skipped); any other error is the source's and is thrown.
   */
  async guard(rel: string, work: () => unknown): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (e) {
      if (!(e instanceof PluginSourceError) || e.code !== "unsafe_path") throw e;
      this.rejected.push({ path: rel, error: e.message });
      return false;
    }
  }
}

/** The first rejection that concerns the set at `submodule` (inside it, or a folder above it), with a count of the rest. */
export function rejectionOf(rejected: readonly RejectedPath[] | undefined, submodule: string): string | undefined {
  const mine = (rejected ?? []).filter((r) => overlaps(submodule, r.path));
  if (!mine.length) return undefined;
  return mine.length === 1 ? mine[0].error : `${mine[0].error} (and ${mine.length - 1} more unsafe entries)`;
}
