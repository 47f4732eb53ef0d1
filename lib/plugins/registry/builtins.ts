import { shippedFile } from "../shipped-file";
import type { PluginDescriptor } from "../contract";
import { BUILTIN_DESCRIPTORS as DESCRIPTORS } from "../builtins/builtin-descriptors.mjs";

/**
 * The built-in plugins shipped with the app. Their code lives in lib/plugins/builtins/builtin-plugins.mjs, which
 * only a plugin host imports (no plugin code runs in the server process, ours included); the picker needs
 * descriptors only, which builtins/builtin-descriptors.mjs holds as data for both.
 */

/**
 * The module a plugin host imports to run a built-in. It has a directory of its own, which is all the built-ins'
 * host may read (see host/confinement.ts).
 */
export function builtinModuleFile(): string {
  return shippedFile("builtins/builtin-plugins.mjs");
}

export const BUILTIN_MODULE_FILE: string = builtinModuleFile();

/** The `source` of built-in plugins in the registry. */
export const BUILTIN_SOURCE = "builtin";

export const BUILTIN_DESCRIPTORS: PluginDescriptor[] = DESCRIPTORS;

