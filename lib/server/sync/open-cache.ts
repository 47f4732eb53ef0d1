import "server-only";
import type { CacheConfig } from "@prisma/client";
import { fsCache } from "../../plugins/cache/fs";
import { s3Cache } from "../../plugins/cache/s3";
import type { CacheStore } from "../../plugins/cache/types";
import { createS3Client } from "../../plugins/s3-client";
import { openSecrets } from "../../secrets";
import { db } from "../../db";
import { defaultCachePath } from "../cache/cache-config";

/** The configured cache (or the default FS cache under DATA_DIR), with its secret decrypted in memory only. */
export async function openCache(row?: CacheConfig | null): Promise<CacheStore> {
  const config = row === undefined ? await (await db()).cacheConfig.findUnique({ where: { id: 1 } }) : row;
  if (!config) return fsCache(defaultCachePath());
  const settings = config.settings as Record<string, string | boolean>;
  if (config.kind === "fs") return fsCache(String(settings.path));
  const s3 = {
    endpoint: String(settings.endpoint),
    region: String(settings.region),
    bucket: String(settings.bucket),
    prefix: String(settings.prefix ?? ""),
    accessKeyId: String(settings.accessKeyId ?? ""),
    pathStyle: Boolean(settings.pathStyle),
  };
  const client = createS3Client({ ...s3, secretAccessKey: openSecrets(config.secret).secretAccessKey });
  return s3Cache(client, s3.bucket, s3.prefix, s3.endpoint);
}
