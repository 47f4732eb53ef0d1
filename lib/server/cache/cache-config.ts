import "server-only";
import path from "node:path";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { env } from "../../env";
import { openSecrets, sealSecrets } from "../../secrets";
import type { TCache } from "../../validations/cache";
import { diffViews, recordAudit } from "../audit/record-audit";
import { fieldError } from "../errors";

export type CacheSettings =
  | { kind: "fs"; path: string }
  | { kind: "s3"; endpoint: string; region: string; bucket: string; prefix: string; accessKeyId: string; pathStyle: boolean };

/** The cache as the browser may see it: settings, whether a secret is stored, whether it is the default. */
export interface CacheView {
  settings: CacheSettings;
  secretSet: boolean;
  isDefault: boolean;
  updatedAt: string | null;
}

/** The FS cache used until an admin configures one: <dataDir>/cache. */
export const defaultCachePath = () => path.join(env.dataDir(), "cache");

export async function getCacheConfig(): Promise<CacheView> {
  const row = await (await db()).cacheConfig.findUnique({ where: { id: 1 } });
  if (!row) return { settings: { kind: "fs", path: defaultCachePath() }, secretSet: false, isDefault: true, updatedAt: null };
  return {
    settings: { ...(row.settings as object), kind: row.kind } as CacheSettings,
    secretSet: row.secret !== null,
    isDefault: false,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Saves the one cache configuration (upsert on id 1) and audits the change, in one transaction. */
export async function saveCacheConfig(input: TCache, actor: string): Promise<CacheView> {
  const prisma = await db();
  return prisma.$transaction(async (tx) => {
    const before = await tx.cacheConfig.findUnique({ where: { id: 1 } });
    let settings: Omit<CacheSettings, "kind">;
    let secret: string | null = null;
    if (input.kind === "fs") {
      settings = { path: input.path };
    } else {
      const { secretAccessKey, kind: _k, ...rest } = input;
      settings = rest;
      if (input.accessKeyId) {
        const kept = before?.kind === "s3" ? openSecrets(before.secret) : {};
        const merged = { ...kept, ...(secretAccessKey ? { secretAccessKey } : {}) };
        if (!merged.secretAccessKey) throw fieldError("secretAccessKey", "errors.secretRequired");
        secret = sealSecrets(merged);
      }
    }
    const data = { kind: input.kind, settings: settings as Prisma.InputJsonValue, secret };
    const row = await tx.cacheConfig.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
    const changes: Record<string, unknown> = diffViews(
      before ? { kind: before.kind, ...(before.settings as object) } : {},
      { kind: row.kind, ...(row.settings as object) },
    );
    if (input.kind === "s3" && input.secretAccessKey) changes.secret = before?.secret ? "changed" : "set";
    else if (before?.secret && !row.secret) changes.secret = "cleared";
    await recordAudit(tx, { actor, action: "cache.update", targetType: "cache", targetName: "cache", summary: changes as Prisma.InputJsonValue });
    return {
      settings: { ...(row.settings as object), kind: row.kind } as CacheSettings,
      secretSet: row.secret !== null,
      isDefault: false,
      updatedAt: row.updatedAt.toISOString(),
    };
  });
}
