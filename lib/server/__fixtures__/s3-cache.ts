import type { PrismaClient } from "@prisma/client";
import type { S3Server } from "@/lib/plugins/__fixtures__/s3-server";
import { sealSecrets } from "@/lib/secrets";

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
