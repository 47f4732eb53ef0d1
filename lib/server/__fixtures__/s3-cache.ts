import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PrismaClient } from "@prisma/client";
import { startS3Server, type S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { sealSecrets } from "@/lib/secrets";
import { createTestDatabase } from "@/lib/test/database";

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

/** Stores the cache configuration for `bucket` + `prefix` on the s3rver fixture, as the cache page would. */
export async function configureS3Cache(prisma: PrismaClient, s3: S3Server, bucket: string, prefix: string): Promise<void> {
  await prisma.cacheConfig.create({
    data: {
      kind: "s3",
      settings: { endpoint: s3.endpoint, region: s3.region, bucket, prefix, accessKeyId: s3.accessKeyId, pathStyle: true },
      secret: sealSecrets({ secretAccessKey: s3.secretAccessKey }),
    },
  });
}

/** The examples package's set with its first module (what the cache tests sync). */
const EXAMPLES_SET = { submodule: "custom_plugins", version: "1.0.0", importModules: ["custom_plugins.collections.test1"], position: 0 };

/**
 * A fresh DATA_DIR and test database whose cache is a new bucket on a fresh s3rver (under `prefix`), with the
 * examples package as fs source "examples". The caller closes both.
 */
export async function openWithS3Cache(prefix: string): Promise<{ database: TestDatabase; s3: S3Server }> {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "opsflow-s3-cache-"));
  const database = await createTestDatabase();
  const s3 = await startS3Server();
  await s3.bucket("cache");
  await configureS3Cache(database.prisma, s3, "cache", prefix);
  await database.prisma.pluginSource.create({
    data: { name: "examples", kind: "fs", settings: { path: path.resolve("examples/plugins") }, pluginSets: { create: [EXAMPLES_SET] } },
  });
  return { database, s3 };
}
