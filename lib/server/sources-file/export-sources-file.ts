import "server-only";
import YAML from "yaml";
import { db } from "../../db";
import { toSourceView, type SourceView } from "../sources/source-view";

/**
 * `plugins:sources export`: the UI-managed sources (and the cache, when configured in the UI) in the sources-file
 * format, ready to commit. No secret leaves the database: each stored secret becomes an environment reference
 * placeholder (`{ env: "OPSFLOW_<NAME>_TOKEN" }`) that the operator sets in the deployment's environment.
 */

export type EnvRef = { env: string };

export interface ExportedSource {
  name: string;
  kind: "git" | "s3" | "fs";
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

/** The settings of each kind in the order the forms show them (jsonb does not keep the order they were written in). */
const FIELDS: Record<string, string[]> = {
  git: ["url", "ref", "username"],
  s3: ["endpoint", "region", "bucket", "prefix", "accessKeyId", "pathStyle"],
  fs: ["path"],
};
/** Optional text fields left out when empty, so the file only says what differs from the defaults. */
const OPTIONAL = new Set(["username", "prefix", "accessKeyId"]);

function settingsOf(kind: string, settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries((FIELDS[kind] ?? []).filter((k) => settings[k] !== undefined && !(OPTIONAL.has(k) && settings[k] === "")).map((k) => [k, settings[k]]));
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

  const sources = rows.map(toSourceView).map((view: SourceView): ExportedSource => {
    const out: ExportedSource = {
      name: view.name,
      kind: view.kind,
      ...(view.description ? { description: view.description } : {}),
      enabled: view.enabled,
      ...settingsOf(view.kind, view.settings),
      pluginSets: view.pluginSets,
    };
    if (view.secretSet && view.kind === "git") {
      out.token = placeholder(envNameFor(view.name, "TOKEN"), `source "${view.name}" token`, { type: "source", name: view.name, field: "token" });
    }
    if (view.secretSet && view.kind === "s3") {
      out.secretAccessKey = placeholder(envNameFor(view.name, "SECRET_ACCESS_KEY"), `source "${view.name}" secretAccessKey`, {
        type: "source",
        name: view.name,
        field: "secretAccessKey",
      });
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
