import "server-only";
import path from "node:path";
import type { CacheConfig, Prisma } from "@prisma/client";
import { db } from "../../db";
import { env } from "../../env";
import { openSecrets, sealSecrets } from "../../secrets";
import { cacheInputSchema, type TCache } from "../../validations/cache";
import { diffViews, recordAudit } from "../audit/record-audit";
import { fieldError } from "../errors";
import { refuseForeignCache } from "./check-cache-owner";
import { assertWritable, exactSecretChange, type FileWrite } from "../sources-file/managed";

export type CacheSettings =
  | { kind: "fs"; path: string }
  | { kind: "s3"; endpoint: string; region: string; bucket: string; prefix: string; accessKeyId: string; pathStyle: boolean };

/** The cache as the browser may see it: settings, whether a secret is stored, whether it is the default. */
export interface CacheView {
  settings: CacheSettings;
  secretSet: boolean;
  isDefault: boolean;
  updatedAt: string | null;
  /** "file:<path>" when declared in PLUGIN_SOURCES_FILE (read-only in the UI). */
  managedBy: string | null;
}

/**
 * The stored settings, parsed (not cast) with the schema they were saved through: a row that does not match it
 * (edited by hand, an older shape) is an error naming the cache rather than a setting read as "undefined".
 */
export function parseCacheSettings(row: Pick<CacheConfig, "kind" | "settings">): CacheSettings {
  const stored = typeof row.settings === "object" && row.settings !== null ? row.settings : {};
  const parsed = cacheInputSchema({ allowHttp: true }).safeParse({ ...stored, kind: row.kind });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the stored cache configuration is unusable (${issue.path.join(".") || "settings"}: ${issue.message}); save it again on the cache page`);
  }
  if (parsed.data.kind === "fs") return parsed.data;
  const { secretAccessKey: _secret, ...s3 } = parsed.data;
  return s3;
}

/** The FS cache used until an admin configures one: <dataDir>/cache. */
export const defaultCachePath = () => path.join(env.dataDir(), "cache");

export async function getCacheConfig(): Promise<CacheView> {
  const row = await (await db()).cacheConfig.findUnique({ where: { id: 1 } });
  if (!row) return { settings: { kind: "fs", path: defaultCachePath() }, secretSet: false, isDefault: true, updatedAt: null, managedBy: null };
  return toCacheView(row);
}

function toCacheView(row: CacheConfig): CacheView {
  return {
    settings: parseCacheSettings(row),
    secretSet: row.secret !== null,
    isDefault: false,
    updatedAt: row.updatedAt.toISOString(),
    managedBy: row.managedBy,
  };
}

/** The settings and secret values `input` is stored as: a blank secret keeps the stored one (not from the sources file). */
function storedForm(input: TCache, before: CacheConfig | null, write?: FileWrite): { settings: Omit<CacheSettings, "kind">; secretValues: Record<string, string> } {
  if (input.kind === "fs") return { settings: { path: input.path }, secretValues: {} };
  const { secretAccessKey, kind: _k, ...settings } = input;
  if (!input.accessKeyId) return { settings, secretValues: {} };
  const kept = before?.kind === "s3" && !write ? openSecrets(before.secret) : {};
  const secretValues = { ...kept, ...(secretAccessKey ? { secretAccessKey } : {}) };
  if (!secretValues.secretAccessKey) throw fieldError("secretAccessKey", "errors.secretRequired");
  return { settings, secretValues };
}

/**
 * Saves the one cache configuration (upsert on id 1) and audits the change, in one transaction. A cache managed by
 * PLUGIN_SOURCES_FILE is refused (409) unless the file's reconciler writes it (`write`, internal: in its transaction,
 * the input being the whole truth, so a stored secret is never kept).
 */
export async function saveCacheConfig(input: TCache, actor: string, write?: FileWrite): Promise<CacheView> {
  if (!write) {
    // Outside the transaction: it asks the cache (network), and the embedded DB has one connection.
    const stored = await (await db()).cacheConfig.findUnique({ where: { id: 1 } });
    const { settings, secretValues } = storedForm(input, stored, write);
    await refuseForeignCache({ kind: input.kind, settings: settings as Prisma.JsonValue, secret: sealSecrets(secretValues) });
  }
  const run = async (tx: Prisma.TransactionClient) => {
    const before = await tx.cacheConfig.findUnique({ where: { id: 1 } });
    assertWritable(before?.managedBy, write);
    const { settings, secretValues } = storedForm(input, before, write);
    const secret = sealSecrets(secretValues);
    const data = { kind: input.kind, settings: settings as Prisma.InputJsonValue, secret, ...(write ? { managedBy: write.managedBy } : {}) };
    const row = await tx.cacheConfig.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
    const managed = (r: CacheConfig | null) => (r?.managedBy ? { managedBy: r.managedBy } : {});
    const changes: Record<string, unknown> = diffViews(
      before ? { kind: before.kind, ...(before.settings as object), ...managed(before) } : {},
      { kind: row.kind, ...(row.settings as object), ...managed(row) },
    );
    if (write) {
      const change = exactSecretChange(before?.secret ?? null, secretValues);
      if (change) changes.secret = change;
    } else if (input.kind === "s3" && input.secretAccessKey) changes.secret = before?.secret ? "changed" : "set";
    else if (before?.secret && !row.secret) changes.secret = "cleared";
    await recordAudit(tx, { actor, action: "cache.update", targetType: "cache", targetName: "cache", summary: changes as Prisma.InputJsonValue });
    return toCacheView(row);
  };
  return write ? run(write.tx) : (await db()).$transaction(run);
}
