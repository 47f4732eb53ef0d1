import "server-only";
import type { PluginSet, PluginSource } from "@prisma/client";
import type { SyncSetInput, SyncSourceInput } from "../../plugins/sync/run-sync";
import type { SourcePolicy } from "../../validations/source-policy";
import { openSecrets } from "../../secrets";
import { parseSettings } from "../sources/source-view";

/** DB rows → the plugin library's input: settings parsed with the kind's schema, secrets decrypted in memory only. */
export function toSyncSource(row: PluginSource & { pluginSets: PluginSet[] }): SyncSourceInput {
  const sets = [...row.pluginSets]
    .sort((a, b) => a.position - b.position)
    .map((s) => ({ submodule: s.submodule, version: s.version, importModules: s.importModules }));
  const { kind: _kind, ...settings } = parseSettings(row);
  return { name: row.name, kind: row.kind, settings, secret: openSecrets(row.secret), sets: withFilter(sets, row) } as SyncSourceInput;
}

/** The plugin library's sets with the source's allow/deny lists (the sync and Preview alike). */
export function withFilter(sets: Omit<SyncSetInput, "filter">[], policy: Pick<SourcePolicy, "allowPlugins" | "denyPlugins">): SyncSetInput[] {
  const filter = { allow: policy.allowPlugins, deny: policy.denyPlugins };
  return sets.map((s) => ({ ...s, filter }));
}
