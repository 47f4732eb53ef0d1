"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/server/safe";
import { startSync } from "@/lib/server/sync/start-sync";
import { ZSyncRequest } from "@/lib/validations/sync";

/** "Sync now": starts a run in the background and answers with its id (the page then follows its progress). */
export const startSyncAction = action("admin", ZSyncRequest, async (input, user) => {
  const { runId } = await startSync({ trigger: "admin", actor: user.username, only: input.sources, dryRun: input.dryRun, activate: input.activate });
  revalidatePath("/sync");
  return { runId };
});
