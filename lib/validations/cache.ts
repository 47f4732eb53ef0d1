import { z } from "./zod";
import { s3Fields, ZAbsolutePath, type UrlPolicy } from "./common";

/** The cache configuration: a directory, or an S3 bucket + prefix shared by all instances. */
export function cacheInputSchema(policy: UrlPolicy) {
  return z.discriminatedUnion(
    "kind",
    [
      z.strictObject({ kind: z.literal("fs"), path: ZAbsolutePath }),
      z.strictObject({ kind: z.literal("s3"), ...s3Fields(policy) }),
    ],
    { error: "kind_invalid" },
  );
}
export type TCacheInput = z.input<ReturnType<typeof cacheInputSchema>>;
export type TCache = z.output<ReturnType<typeof cacheInputSchema>>;
