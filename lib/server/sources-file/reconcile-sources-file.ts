import "server-only";
import type { PluginSet, PluginSource, Prisma } from "@prisma/client";
import { db } from "../../db";
import { english } from "./english";
import type { TCache } from "../../validations/cache";
import type { TSource } from "../../validations/source";
import { recordAudit } from "../audit/record-audit";
import { ExpectedError } from "../errors";
import { saveCacheConfig } from "../cache/cache-config";
import { deleteSource } from "../sources/delete-source";
import { createSource, updateSource } from "../sources/save-source";
import { mergeSecrets, policyOf, splitSourceInput } from "../sources/source-view";
import { loadSourcesFile, type LoadOptions } from "./load-sources-file";
import { fileOf, secretsEqual, type FileWrite } from "./managed";
import { env } from "../../env";

/**
 * Makes the database match PLUGIN_SOURCES_FILE: creates, updates and deletes the sources the file manages (and sets
 * the cache when it declares one), in ONE transaction, so a file that cannot be applied changes nothing. Sources
 * created in the UI are never touched: a UI source with the name of a file entry is an error, not a takeover
 * (unless `adopt`). Unchanged rows are not written, so reconciling the same file again audits nothing.
 */

export interface ReconcileSummary {
  file: string;
  managedBy: string;
  dryRun: boolean;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
  /** set = written (new or changed); released = the file no longer declares it (the UI may edit it again). */
  cache: "set" | "unchanged" | "released" | "none";
}

export interface ReconcileOptions extends LoadOptions {
  /** Work out and audit-check every change, then roll it all back. */
  dryRun?: boolean;
  /** Take over same-named UI sources, and sources (or the cache) managed by another file, instead of refusing. */
  adopt?: boolean;
}

/** A file that cannot be applied: every problem, one line each, with the file and the entry's position. */
export class SourcesFileError extends Error {
  readonly header: string;
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    const header = english("managed.fileInvalid", { file, count: errors.length });
    super(`${header}\n${errors.join("\n")}`);
    this.name = "SourcesFileError";
    this.header = header;
  }
}

/** Rolls the transaction back at the end of a dry run, carrying its summary out. */
class DryRun extends Error {
  constructor(readonly summary: ReconcileSummary) {
    super("dry run");
  }
}

// One reconciler at a time across processes (several instances starting together): the others wait, then see
// its result and have nothing left to do.
const LOCK_KEY = 72_917_002; // arbitrary, constant: "opsflow sources file" (the migrator uses 72_917_001)

/** Stable JSON: object keys sorted (jsonb does not keep the order they were written in). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The secret fields a source of the file stores (what save-source seals for a file write: the same rule). */
const sourceSecret = (input: TSource): Record<string, string> => mergeSecrets(input, null);

function cacheSecret(input: TCache): Record<string, string> {
  return input.kind === "s3" && input.accessKeyId && input.secretAccessKey ? { secretAccessKey: input.secretAccessKey } : {};
}

/** Whether the stored source differs from the file's entry in anything (settings, sets and their order, secret, owner). */
function sourceDiffers(row: PluginSource & { pluginSets: PluginSet[] }, input: TSource, managedBy: string): boolean {
  const stored = {
    name: row.name, // the same regardless of case; a change of case is an update
    kind: row.kind,
    description: row.description,
    enabled: row.enabled,
    settings: row.settings,
    managedBy: row.managedBy,
    policy: policyOf(row),
    pluginSets: [...row.pluginSets].sort((a, b) => a.position - b.position).map(({ submodule, version, importModules }) => ({ submodule, version, importModules })),
  };
  const wanted = {
    name: input.name,
    kind: input.kind,
    description: input.description,
    enabled: input.enabled,
    settings: splitSourceInput(input).settings,
    managedBy,
    policy: policyOf(input),
    pluginSets: input.pluginSets.map(({ submodule, version, importModules }) => ({ submodule, version, importModules })),
  };
  return canonical(stored) !== canonical(wanted) || !secretsEqual(row.secret, sourceSecret(input));
}

/** Reconciles the database with the file at `file`. Throws SourcesFileError (nothing changed) when it cannot. */
export async function reconcileSourcesFile(file: string, opts: ReconcileOptions = {}): Promise<ReconcileSummary> {
  const loaded = await loadSourcesFile(file, opts);
  if (!loaded.ok) throw new SourcesFileError(file, loaded.errors);
  const { managedBy, sources, cache } = loaded.file;
  const t = english;
  const prisma = await db();
  const where = (i: number, name: string) => `${file}: sources[${i}] (name ${JSON.stringify(name)})`;
  /** Which row is being written, for an error the database raises (e.g. a name taken by a concurrent UI save). */
  let writing = "";
  try {
    return await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
        const summary: ReconcileSummary = { file, managedBy, dryRun: Boolean(opts.dryRun), created: [], updated: [], deleted: [], unchanged: [], cache: "none" };
        const rows = await tx.pluginSource.findMany({ include: { pluginSets: true }, orderBy: { name: "asc" } });
        // By name regardless of case, as the database's unique index sees them: "Examples" in the file is the
        // row "examples" (renamed by the update), not a new source.
        const byName = new Map(rows.map((row) => [row.name.toLowerCase(), row]));
        const conflicts: string[] = [];
        const creates: [number, TSource][] = [];
        const updates: [number, string, TSource][] = [];
        for (const [i, input] of sources.entries()) {
          const row = byName.get(input.name.toLowerCase());
          if (!row) creates.push([i, input]);
          else if (row.managedBy !== managedBy && !opts.adopt) {
            conflicts.push(
              `${where(i, input.name)}: ${row.managedBy ? t("managed.otherFile", { name: input.name, file: fileOf(row.managedBy) }) : t("managed.uiManaged", { name: input.name })}`,
            );
          } else if (sourceDiffers(row, input, managedBy)) updates.push([i, row.id, input]);
          else summary.unchanged.push(input.name);
        }
        const declared = new Set(sources.map((s) => s.name.toLowerCase()));
        const deletes = rows.filter((row) => row.managedBy === managedBy && !declared.has(row.name.toLowerCase()));

        const cacheRow = await tx.cacheConfig.findUnique({ where: { id: 1 } });
        if (cache && cacheRow?.managedBy && cacheRow.managedBy !== managedBy && !opts.adopt) {
          conflicts.push(`${file}: cache: ${t("managed.cacheOtherFile", { file: fileOf(cacheRow.managedBy) })}`);
        }
        if (conflicts.length) throw new SourcesFileError(file, conflicts);

        const write: FileWrite = { managedBy, tx };
        for (const row of deletes) {
          writing = `${file}: source ${JSON.stringify(row.name)}`;
          await deleteSource(row.id, managedBy, write);
          summary.deleted.push(row.name);
        }
        for (const [i, id, input] of updates) {
          writing = where(i, input.name);
          await updateSource(id, input, managedBy, write);
          summary.updated.push(input.name);
        }
        for (const [i, input] of creates) {
          writing = where(i, input.name);
          await createSource(input, managedBy, write);
          summary.created.push(input.name);
        }
        writing = `${file}: cache`;
        summary.cache = await reconcileCache(tx, cache, cacheRow, write);
        if (opts.dryRun) throw new DryRun(summary);
        return summary;
      },
      // A large file on a slow database: well above Prisma's 5 s default. Waiting for another instance's lock counts.
      { maxWait: 30_000, timeout: 300_000 },
    );
  } catch (err) {
    if (err instanceof DryRun) return err.summary;
    if (err instanceof ExpectedError) {
      // Rolled back; say what the database refused, in the file's terms.
      const fields = Object.entries(err.fields).map(([field, [key, values]]) => `${writing}.${field}: ${english(key as never, values as never)}`);
      throw new SourcesFileError(file, fields.length ? fields : [`${writing}: ${english(err.key as never, err.values as never)}`]);
    }
    throw err;
  }
}

async function reconcileCache(
  tx: Prisma.TransactionClient,
  cache: TCache | undefined,
  row: { kind: string; settings: Prisma.JsonValue; secret: string | null; managedBy: string | null } | null,
  write: FileWrite,
): Promise<ReconcileSummary["cache"]> {
  if (!cache) {
    if (row?.managedBy !== write.managedBy) return "none";
    // No longer declared: the configuration stays (plugins keep loading from it), the UI may edit it again.
    await tx.cacheConfig.update({ where: { id: 1 }, data: { managedBy: null } });
    await recordAudit(tx, { actor: write.managedBy, action: "cache.update", targetType: "cache", targetName: "cache", summary: { managedBy: { from: row.managedBy, to: null } } });
    return "released";
  }
  const { kind, secretAccessKey: _s, ...settings } = cache as TCache & { secretAccessKey?: string };
  const same =
    row !== null &&
    row.managedBy === write.managedBy &&
    canonical({ kind: row.kind, settings: row.settings }) === canonical({ kind, settings }) &&
    secretsEqual(row.secret, cacheSecret(cache));
  if (same) return "unchanged";
  await saveCacheConfig(cache, write.managedBy, write);
  return "set";
}

/** One line for logs: "config/sources.yaml: 1 created (a), 0 updated, 1 deleted (b), 2 unchanged; cache unchanged". */
export function describeSummary(s: ReconcileSummary): string {
  const part = (label: string, names: string[]) => `${names.length} ${label}${names.length ? ` (${names.join(", ")})` : ""}`;
  return `${fileOf(s.managedBy)}: ${part("created", s.created)}, ${part("updated", s.updated)}, ${part("deleted", s.deleted)}, ${s.unchanged.length} unchanged; cache ${s.cache}${s.dryRun ? " (dry run, nothing written)" : ""}`;
}

/**
 * The start-up / release hook: reconciles PLUGIN_SOURCES_FILE when it is set (else does nothing and returns null).
 * Throws SourcesFileError (with every problem) when the file cannot be applied; nothing is changed then.
 */
export async function reconcileFromEnv(log: (line: string) => void = console.info): Promise<ReconcileSummary | null> {
  const file = env.pluginSourcesFile();
  if (!file) return null;
  const summary = await reconcileSourcesFile(file);
  log(`sources file ${describeSummary(summary)}`);
  return summary;
}
