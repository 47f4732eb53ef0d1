"use server";

import { revalidatePath } from "next/cache";
import { urlPolicy } from "@/lib/env";
import { saveCacheConfig } from "@/lib/server/cache/cache-config";
import { action } from "@/lib/server/safe";
import { cacheInputSchema } from "@/lib/validations/cache";

export const saveCacheAction = action("admin", () => cacheInputSchema(urlPolicy()), async (input, user) => {
  const view = await saveCacheConfig(input, user.username);
  revalidatePath("/cache");
  return view;
});
