import { urlPolicy } from "@/lib/env";
import { getCacheConfig, saveCacheConfig } from "@/lib/server/cache/cache-config";
import { withRole } from "@/lib/server/route";
import { cacheInputSchema } from "@/lib/validations/cache";

export const dynamic = "force-dynamic";

// GET /api/cache - the cache configuration (the default FS cache until one is saved)
export const GET = withRole("admin", {}, () => getCacheConfig());

// PUT /api/cache - replace the cache configuration
export const PUT = withRole("admin", { body: () => cacheInputSchema(urlPolicy()) }, ({ input, user }) =>
  saveCacheConfig(input, user.username),
);
