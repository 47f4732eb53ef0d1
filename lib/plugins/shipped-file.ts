import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A plain .mjs file shipped beside the plugin library (worker scripts, the built-in plugins), found next to the
 * calling module when it runs from source (tsx, vitest), else under `<cwd>/lib/plugins/` — inside a Next server
 * bundle `import.meta.url` no longer points at the source tree, so deployments ship lib/plugins/ with the app.
 * `rel` is relative to lib/plugins, e.g. "worker/execute-worker.mjs".
 */
export function shippedFile(callerUrl: string, rel: string): string {
  try {
    const file = fileURLToPath(new URL(`./${path.posix.basename(rel)}`, callerUrl));
    if (existsSync(file)) return file;
  } catch {
    // not a file: URL (bundled): use the fallback below
  }
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "plugins", ...rel.split("/"));
}
