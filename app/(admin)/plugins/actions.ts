"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ExpectedError } from "@/lib/server/errors";
import { activateGeneration, findRollbackTarget } from "@/lib/server/runtime/activate-generation";
import { action } from "@/lib/server/safe";
import { ZGenerationId } from "@/lib/validations/common";

export const activateGenerationAction = action("admin", ZGenerationId, async (id, user) => {
  const view = await activateGeneration(id, user.username);
  revalidatePath("/plugins");
  return view;
});

export const rollbackAction = action("admin", z.undefined(), async (_input, user) => {
  const target = await findRollbackTarget();
  if (!target) throw new ExpectedError(409, "plugins.noRollback");
  const view = await activateGeneration(target, user.username);
  revalidatePath("/plugins");
  return view;
});
