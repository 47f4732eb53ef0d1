import "server-only";
import type { CacheConfig } from "@prisma/client";
import { fsCache } from "../../plugins/cache/fs";
import { s3Cache } from "../../plugins/cache/s3";
import type { CacheStore } from "../../plugins/cache/types";
import { createS3Client } from "../../plugins/s3-client";
import { openSecrets } from "../../secrets";
import { db } from "../../db";
import { defaultCachePath, parseCacheSettings } from "../cache/cache-config";
import { extraCa } from "./extra-ca";

/** The configured cache (or the default FS cache under DATA_DIR), with its secret decrypted in memory only. */
export async function openCache(row?: Pick<CacheConfig, "kind" | "settings" | "secret"> | null): Promise<CacheStore> {
  const config = row === undefined ? await (await db()).cacheConfig.findUnique({ where: { id: 1 } }) : row;
  if (!config) return fsCache(defaultCachePath());
  const settings = parseCacheSettings(config);
  if (settings.kind === "fs") return fsCache(settings.path);
  // SYNC_CA_FILE serves an S3-compatible cache with a private CA too (added to Node's roots).
  const client = createS3Client({ ...settings, secretAccessKey: openSecrets(config.secret).secretAccessKey, ca: await extraCa() });
  return s3Cache(client, settings.bucket, settings.prefix, settings.endpoint);
}
