import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A plain .mjs file shipped with the plugin library (the plugin hosts' scripts, the built-in plugins), by its path
 * relative to lib/plugins (e.g. "host/execute-host.mjs"). Found beside this module when it runs from source (tsx,
 * vitest, the CLIs), else under `<cwd>/lib/plugins/`: inside a Next server bundle `import.meta.url` no longer
 * points at the source tree, so deployments ship lib/plugins/ with the app (and run it from the app's directory).
 */
export function shippedFile(rel: string): string {
  try {
    const file = fileURLToPath(new URL(`./${rel}`, import.meta.url));
    if (existsSync(file)) return file;
  } catch {
    // not a file: URL (bundled): use the fallback below
  }
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "plugins", ...rel.split("/"));
}
