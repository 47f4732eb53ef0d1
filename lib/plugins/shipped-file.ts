import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** This module's directory when it runs from source; inside a Next server bundle, the bundle chunk's (no match). */
const here = (() => {
  try {
    return path.dirname(fileURLToPath(import.meta.url));
  } catch {
    return null;
  }
})();

/**
 * A plain .mjs file shipped with the plugin library (the plugin hosts' scripts, the built-in plugins), by its path
 * relative to lib/plugins (e.g. "host/execute-host.mjs"). Found beside this module when it runs from source (tsx,
 * vitest, the CLIs), else under `<cwd>/lib/plugins/`: inside a Next server bundle `import.meta.url` no longer
 * points at the source tree, so deployments ship lib/plugins/ with the app (and run it from the app's directory).
 * Written with path.join, not `new URL(…, import.meta.url)`: Turbopack turns the latter into bundled assets.
 */
export function shippedFile(rel: string): string {
  if (here) {
    const file = path.join(/*turbopackIgnore: true*/ here, ...rel.split("/"));
    if (existsSync(file)) return file;
  }
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "plugins", ...rel.split("/"));
}
