import "server-only";
import YAML from "yaml";
import { db } from "../../db";
import { specOf, type SourceKind } from "../../plugins/sources/specs";
import { openSecrets } from "../../secrets";
import { toSourceView, type SourceView } from "../sources/source-view";

/**
 * `plugins:sources export`: the UI-managed sources (and the cache, when configured in the UI) in the sources-file
 * format, ready to commit. No secret leaves the database: each stored secret becomes an environment reference
 * placeholder (`{ env: "OPSFLOW_<NAME>_TOKEN" }`) that the operator sets in the deployment's environment.
 */

export type EnvRef = { env: string };

export interface ExportedSource {
  name: string;
  kind: SourceKind;
  description?: string;
  enabled: boolean;
  [field: string]: unknown;
  pluginSets: { submodule: string; version: string; importModules: string[] }[];
}

export interface SourcesDocument {
  sources: ExportedSource[];
  cache?: Record<string, unknown>;
}

/** A variable the exported file references: set it before applying the file. */
export interface ExportedVariable {
  env: string;
  /** What it holds, e.g. `source "plugins" token`. */
  holds: string;
  /** Only for the caller (tests, a migration script): which row and field it came from. */
  target: { type: "source"; name: string; field: string } | { type: "cache"; field: string };
}

export interface ExportResult {
  document: SourcesDocument;
  variables: ExportedVariable[];
  /** The document as YAML (with a comment listing the variables) or JSON. */
  text: string;
}

/** "OPSFLOW_MY_PLUGINS_TOKEN": upper-cased, every other character than A–Z/0–9 → "_". */
export function envNameFor(...parts: string[]): string {
  return ["OPSFLOW", ...parts].join("_").toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * The settings of a kind in its spec's file order (jsonb does not keep the order they were written in); optional
 * fields are left out when empty, so the file only says what differs from the defaults. Cache kinds (fs, s3) use
 * the source kinds' fields of the same name.
 */
function settingsOf(kind: string, settings: Record<string, unknown>): Record<string, unknown> {
  const fields = specOf(kind)?.fileFields ?? [];
  return Object.fromEntries(fields.filter((f) => settings[f.name] !== undefined && !(f.optional && (settings[f.name] === "" || settings[f.name] === f.omitWhen))).map((f) => [f.name, settings[f.name]]));
}

/** Schedule, activation policy and allow/deny lists, each only when it differs from the default. */
function policyForFile(p: SourceView["policy"]): Record<string, unknown> {
  return {
    ...(p.syncIntervalMinutes !== null ? { syncIntervalMinutes: p.syncIntervalMinutes } : {}),
    ...(p.activationPolicy !== "always" ? { activationPolicy: p.activationPolicy } : {}),
    ...(p.allowPlugins.length ? { allowPlugins: p.allowPlugins } : {}),
    ...(p.denyPlugins.length ? { denyPlugins: p.denyPlugins } : {}),
  };
}

/** "secretAccessKey" → ["SECRET", "ACCESS", "KEY"] (the placeholder's words). */
const snake = (field: string) => field.split(/(?=[A-Z])/).map((w) => w.toUpperCase());

/** The kind's secret fields present in a stored envelope, in the spec's order. */
function storedSecretFields(kind: string, envelope: string | null): string[] {
  const stored = openSecrets(envelope);
  return (specOf(kind)?.secretFields ?? []).filter((f) => typeof stored[f] === "string" && stored[f] !== "");
}

export async function exportSourcesFile(format: "yaml" | "json" = "yaml"): Promise<ExportResult> {
  const prisma = await db();
  const rows = await prisma.pluginSource.findMany({ where: { managedBy: null }, include: { pluginSets: true }, orderBy: { name: "asc" } });
  const cacheRow = await prisma.cacheConfig.findUnique({ where: { id: 1 } });

  const variables: ExportedVariable[] = [];
  const taken = new Set<string>();
  /** A placeholder unique within the file (names differing only in case or "-" vs "_" get a suffix). */
  const placeholder = (base: string, holds: string, target: ExportedVariable["target"]): EnvRef => {
    let env = base;
    for (let n = 2; taken.has(env); n++) env = `${base}_${n}`;
    taken.add(env);
    variables.push({ env, holds, target });
    return { env };
  };

  const secrets = new Map(rows.map((r) => [r.id, r.secret]));
  const sources = rows.map(toSourceView).map((view: SourceView): ExportedSource => {
    const out: ExportedSource = {
      name: view.name,
      kind: view.kind,
      ...(view.description ? { description: view.description } : {}),
      enabled: view.enabled,
      ...settingsOf(view.kind, view.settings),
      ...policyForFile(view.policy),
      pluginSets: view.pluginSets,
    };
    // A placeholder per secret field the row stores (its names are read, never its values).
    for (const field of storedSecretFields(view.kind, secrets.get(view.id) ?? null)) {
      out[field] = placeholder(envNameFor(view.name, ...snake(field)), `source "${view.name}" ${field}`, { type: "source", name: view.name, field });
    }
    // Keep pluginSets last: easier to read.
    const { pluginSets, ...head } = out;
    return { ...head, pluginSets } as ExportedSource;
  });

  const document: SourcesDocument = { sources };
  if (cacheRow && !cacheRow.managedBy) {
    const cache: Record<string, unknown> = { kind: cacheRow.kind, ...settingsOf(cacheRow.kind, cacheRow.settings as Record<string, unknown>) };
    if (cacheRow.secret && cacheRow.kind === "s3") {
      cache.secretAccessKey = placeholder(envNameFor("CACHE", "SECRET_ACCESS_KEY"), "cache secretAccessKey", { type: "cache", field: "secretAccessKey" });
    }
    document.cache = cache;
  }

  let text: string;
  if (format === "json") text = JSON.stringify(document, null, 2) + "\n";
  else {
    const doc = new YAML.Document(document);
    // Environment references on one line: `token: { env: OPSFLOW_X_TOKEN }`.
    YAML.visit(doc, {
      Map(_key, node) {
        if (node.items.length === 1 && YAML.isScalar(node.items[0].key) && node.items[0].key.value === "env") node.flow = true;
      },
    });
    const lines = [
      " Plugin sources for PLUGIN_SOURCES_FILE (npm run plugins:sources -- export).",
      ...(variables.length
        ? [" Secrets are environment references; set these variables where the file is applied:", ...variables.map((v) => `   ${v.env}: ${v.holds}`)]
        : []),
    ];
    doc.commentBefore = lines.join("\n");
    text = doc.toString({ lineWidth: 0 });
  }
  return { document, variables, text };
}
