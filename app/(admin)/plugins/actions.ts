"use server";

import { revalidatePath } from "next/cache";
import { activateGeneration } from "@/lib/server/generations/activate-generation";
import { findActivationImpact } from "@/lib/server/generations/find-activation-impact";
import { action } from "@/lib/server/safe";
import { ZGenerationId } from "@/lib/validations/common";

export const activateGenerationAction = action("admin", ZGenerationId, async (id, user) => {
  const view = await activateGeneration(id, user.username);
  revalidatePath("/plugins");
  return view;
});

/** What activating the generation would change (the confirmation dialog; the same as the API's dry run). */
export const generationImpactAction = action("admin", ZGenerationId, (id) => findActivationImpact(id));
