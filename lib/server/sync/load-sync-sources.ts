import "server-only";
import type { PluginSet, PluginSource } from "@prisma/client";
import type { SyncSourceInput } from "../../plugins/sync/run-sync";
import { openSecrets } from "../../secrets";

/** DB rows → the plugin library's input, secrets decrypted in memory only. */
export function toSyncSource(row: PluginSource & { pluginSets: PluginSet[] }): SyncSourceInput {
  const sets = [...row.pluginSets]
    .sort((a, b) => a.position - b.position)
    .map((s) => ({ submodule: s.submodule, version: s.version, importModules: s.importModules }));
  const settings = row.settings as Record<string, unknown>;
  return { name: row.name, kind: row.kind, settings, secret: openSecrets(row.secret), sets } as unknown as SyncSourceInput;
}
