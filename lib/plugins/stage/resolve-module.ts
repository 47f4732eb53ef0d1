import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import { DOTTED_MODULE, isSafeRelativePath, MODULE_FILE, modulePathOf } from "../safe-path";
import { isInside } from "../safe-path/fs";
import { PluginSourceError } from "../types";

/**
 * The files an import-module entry may name, in the order they are tried (paths from the source root, POSIX):
 * a `.js`/`.mjs` path as is; a dotted path `a.b.c` as `a/b/c.js`, `a/b/c.mjs`, `a/b/c/index.js`, `a/b/c/index.mjs`.
 * Throws "unsafe_path" for an entry that could name something outside the source root.
 */
export function moduleCandidates(entry: string): string[] {
  if (MODULE_FILE.test(entry)) {
    if (!isSafeRelativePath(entry, { config: true })) {
      throw new PluginSourceError(`import module "${entry}" is not a safe relative path`, "unsafe_path");
    }
    return [entry];
  }
  if (!DOTTED_MODULE.test(entry)) {
    throw new PluginSourceError(
      `import module "${entry}" is neither a dotted module path nor a relative .js/.mjs path`,
      /[/\\\0]|\.\./.test(entry) ? "unsafe_path" : "module_not_found",
    );
  }
  const base = modulePathOf(entry);
  return [`${base}.js`, `${base}.mjs`, `${base}/index.js`, `${base}/index.mjs`];
}

/** The real path of the submodule directory, checked to exist, be a directory and lie inside the source root. */
export async function realSubmoduleDir(sourceRoot: string, submodule: string): Promise<string> {
  if (!isSafeRelativePath(submodule, { config: true })) {
    throw new PluginSourceError(`submodule "${submodule}" is not a safe relative path`, "unsafe_path");
  }
  const root = await realpath(sourceRoot).catch(() => {
    throw new PluginSourceError(`the source root does not exist`, "not_found");
  });
  const real = await realpath(path.join(sourceRoot, ...submodule.split("/"))).catch(() => {
    throw new PluginSourceError(`submodule "${submodule}" does not exist in the source`, "not_found");
  });
  if (!isInside(root, real)) {
    throw new PluginSourceError(`submodule "${submodule}" resolves outside the source root`, "unsafe_path");
  }
  if (!(await stat(real)).isDirectory()) {
    throw new PluginSourceError(`submodule "${submodule}" is not a directory`, "not_found");
  }
  return real;
}

/**
 * Resolves one import-module entry of a plugin set to its file, as a path relative to the SOURCE ROOT (POSIX
 * separators; the path as written, not the symlink target). The entry is written from the source root and must
 * lie inside `submodule/`, also after resolving symlinks.
 *
 * Errors (PluginSourceError): "unsafe_path" (entry or its real file outside the submodule), "not_found"
 * (submodule missing), "module_not_found" (none of the candidates is a file; the message names them).
 */
export async function resolveModule(sourceRoot: string, submodule: string, entry: string): Promise<string> {
  const candidates = moduleCandidates(entry);
  const prefix = submodule + "/";
  if (!candidates.every((c) => c.startsWith(prefix))) {
    throw new PluginSourceError(`import module "${entry}" lies outside submodule "${submodule}"`, "unsafe_path");
  }
  const subReal = await realSubmoduleDir(sourceRoot, submodule);
  for (const candidate of candidates) {
    const abs = path.join(sourceRoot, ...candidate.split("/"));
    const info = await stat(abs).catch(() => null);
    if (!info?.isFile()) continue;
    const real = await realpath(abs);
    if (!isInside(subReal, real)) {
      throw new PluginSourceError(
        `import module "${entry}" (${candidate}) resolves outside submodule "${submodule}"`,
        "unsafe_path",
      );
    }
    return candidate;
  }
  throw new PluginSourceError(
    `import module "${entry}" not found (tried ${candidates.join(", ")})`,
    "module_not_found",
  );
}
