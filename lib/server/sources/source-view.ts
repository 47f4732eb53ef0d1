import "server-only";
import type { PluginSet, PluginSource } from "@prisma/client";
import type { TSource } from "../../validations/source";

/** Non-secret settings per kind, as stored in PluginSource.settings. */
export type SourceSettings =
  | { kind: "git"; url: string; ref: string; username: string }
  | { kind: "s3"; endpoint: string; region: string; bucket: string; prefix: string; accessKeyId: string; pathStyle: boolean }
  | { kind: "fs"; path: string };

/** What may leave the server: everything but the secret, which is reduced to "is one set". */
export interface SourceView {
  id: string;
  name: string;
  kind: "git" | "s3" | "fs";
  description: string;
  enabled: boolean;
  settings: SourceSettings;
  secretSet: boolean;
  /** "file:<path>" when declared in PLUGIN_SOURCES_FILE (read-only in the UI). */
  managedBy: string | null;
  pluginSets: { submodule: string; version: string; importModules: string[] }[];
  createdAt: string;
  updatedAt: string;
}

export function toSourceView(row: PluginSource & { pluginSets: PluginSet[] }): SourceView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    description: row.description,
    enabled: row.enabled,
    settings: { ...(row.settings as object), kind: row.kind } as SourceSettings,
    secretSet: row.secret !== null,
    managedBy: row.managedBy,
    pluginSets: [...row.pluginSets]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ submodule: s.submodule, version: s.version, importModules: s.importModules })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Splits validated input into stored settings and the secret fields it carries (blank = not given). */
export function splitSourceInput(input: TSource): { settings: Omit<SourceSettings, "kind">; secret: Record<string, string> } {
  switch (input.kind) {
    case "git":
      return { settings: { url: input.url, ref: input.ref, username: input.username }, secret: input.token ? { token: input.token } : {} };
    case "s3":
      return {
        settings: {
          endpoint: input.endpoint,
          region: input.region,
          bucket: input.bucket,
          prefix: input.prefix,
          accessKeyId: input.accessKeyId,
          pathStyle: input.pathStyle,
        },
        secret: input.secretAccessKey ? { secretAccessKey: input.secretAccessKey } : {},
      };
    case "fs":
      return { settings: { path: input.path }, secret: {} };
  }
}

/** "AKIA…7Q": enough to recognise a key, not to use it. */
export function maskKey(key: string): string {
  return key.length <= 6 ? "•".repeat(key.length) : `${key.slice(0, 4)}…${key.slice(-2)}`;
}

/** One line saying where the source is, credentials masked. */
export function describeLocation(view: Pick<SourceView, "settings" | "secretSet">): string {
  const s = view.settings;
  switch (s.kind) {
    case "git":
      return `${s.url} @ ${s.ref}${s.username ? ` (${s.username}${view.secretSet ? ":••••" : ""})` : view.secretSet ? " (token ••••)" : ""}`;
    case "s3":
      return `s3://${s.bucket}/${s.prefix} @ ${s.endpoint}${s.accessKeyId ? ` (${maskKey(s.accessKeyId)})` : ""}`;
    case "fs":
      return s.path;
  }
}
