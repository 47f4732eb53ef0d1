import "server-only";
import type { PluginSet, PluginSource, Prisma } from "@prisma/client";
import { specOf, type SettingsByKind, type SourceKind } from "../../plugins/sources/specs";
import type { SourceKindSpec } from "../../plugins/sources/spec";
import { openSecrets } from "../../secrets";
import type { TSource } from "../../validations/source";
import type { SourcePolicy } from "../../validations/source-policy";
import { fieldError } from "../errors";

/**
 * The server's side of a source kind's spec (lib/plugins/sources/<kind>/spec.ts): reading the settings column,
 * splitting input into settings and secrets, the one secret-merge rule (save, sources file, Preview) and the
 * location line. Nothing here branches on the kind.
 */

/** Non-secret settings per kind, as stored in PluginSource.settings, tagged with the kind. */
export type SourceSettings = { [K in SourceKind]: { kind: K } & SettingsByKind[K] }[SourceKind];

/** What may leave the server: everything but the secret, which is reduced to "is one set". */
export interface SourceView {
  id: string;
  name: string;
  kind: SourceKind;
  description: string;
  enabled: boolean;
  settings: SourceSettings;
  secretSet: boolean;
  /** Sync on push: a webhook secret is stored (the secret itself never leaves the server). */
  webhookSecretSet: boolean;
  /** "file:<path>" when declared in PLUGIN_SOURCES_FILE (read-only in the UI). */
  managedBy: string | null;
  pluginSets: { submodule: string; version: string; importModules: string[] }[];
  /** Schedule, activation policy, allow/deny lists (lib/validations/source-policy.ts). */
  policy: SourcePolicy;
  /** The scheduler's state (ISO times): not configuration, so never audited. */
  schedule: { nextSyncAt: string | null; lastAttemptAt: string | null; lastSuccessAt: string | null; failures: number };
  createdAt: string;
  updatedAt: string;
}

/** The policy columns of a row (what a save writes and the sources file compares). */
export const policyOf = (row: Pick<PluginSource, "syncIntervalMinutes" | "activationPolicy" | "allowPlugins" | "denyPlugins">): SourcePolicy => ({
  syncIntervalMinutes: row.syncIntervalMinutes,
  activationPolicy: row.activationPolicy,
  allowPlugins: row.allowPlugins,
  denyPlugins: row.denyPlugins,
});

/** The spec of a stored or given kind; an unknown one is a bug (the enum and the input schema list the kinds). */
export function kindSpec(kind: string): SourceKindSpec {
  const spec = specOf(kind);
  if (!spec) throw new Error(`unknown source kind "${kind}"`);
  return spec;
}

/** The settings column of a row, parsed with its kind's schema (a row that does not fit says which source). */
export function parseSettings(row: Pick<PluginSource, "name" | "kind" | "settings">): SourceSettings {
  const parsed = kindSpec(row.kind).settings.safeParse(row.settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the stored settings of source "${row.name}" are invalid (${issue.path.join(".") || "settings"}: ${issue.message})`);
  }
  return { ...parsed.data, kind: row.kind } as SourceSettings;
}

export function toSourceView(row: PluginSource & { pluginSets: PluginSet[] }): SourceView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    description: row.description,
    enabled: row.enabled,
    settings: parseSettings(row),
    secretSet: row.secret !== null,
    webhookSecretSet: row.webhookSecret !== null,
    managedBy: row.managedBy,
    pluginSets: [...row.pluginSets]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ submodule: s.submodule, version: s.version, importModules: s.importModules })),
    policy: policyOf(row),
    schedule: {
      nextSyncAt: row.nextSyncAt?.toISOString() ?? null,
      lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
      lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
      failures: row.syncFailures,
    },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Splits validated input: the settings to store (the kind's settings schema keeps only its keys), the secret fields
 * it gives (blank = not given), and the kind's other fields (flags such as clearToken).
 */
export function splitSourceInput(input: TSource): { settings: Prisma.InputJsonObject; secret: Record<string, string>; flags: Record<string, unknown> } {
  const spec = kindSpec(input.kind);
  const fields: Record<string, unknown> = { ...input };
  // Settings schemas hold strings and booleans only: JSON for the settings column.
  const settings = spec.settings.parse(fields) as Prisma.InputJsonObject;
  const secret: Record<string, string> = {};
  for (const f of spec.secretFields) if (typeof fields[f] === "string" && fields[f] !== "") secret[f] = fields[f] as string;
  const known = new Set(["name", "kind", "description", "enabled", "pluginSets", "webhookSecret", "clearWebhookSecret", "syncIntervalMinutes", "activationPolicy", "allowPlugins", "denyPlugins", ...Object.keys(settings), ...spec.secretFields]);
  const flags = Object.fromEntries(Object.entries(fields).filter(([k]) => !known.has(k)));
  return { settings, secret, flags };
}

/**
 * The plain secrets to keep after `input`, by its kind's rule (lib/plugins/sources/<kind>/spec.ts mergeSecret).
 * `stored`: what is stored now, or null for none / the sources file (its entry is the whole truth). A secret the
 * kind requires but nobody gave is a 422 on that field.
 */
export function mergeSecrets(input: TSource, stored: { kind: string; secret: string | null } | null): Record<string, string> {
  const { settings, secret, flags } = splitSourceInput(input);
  const previous = stored && stored.kind === input.kind ? openSecrets(stored.secret) : {};
  const merged = kindSpec(input.kind).mergeSecret({ settings, stored: previous, given: secret, flags });
  if ("missing" in merged) throw fieldError(merged.missing, "errors.secretRequired");
  return merged.secret;
}

/** Whether the input gives a new value for any of its kind's secrets. */
export const givesSecret = (input: TSource) => Object.keys(splitSourceInput(input).secret).length > 0;

/** One line saying where the source is, credentials masked. */
export function describeLocation(view: Pick<SourceView, "settings" | "secretSet">): string {
  return kindSpec(view.settings.kind).location(view.settings, view.secretSet);
}
