"use server";

import { revalidatePath } from "next/cache";
import { urlPolicy } from "@/lib/env";
import { action } from "@/lib/server/safe";
import { createSource, updateSource } from "@/lib/server/sources/save-source";
import { deleteSource } from "@/lib/server/sources/delete-source";
import { previewSource } from "@/lib/server/sync/preview-source";
import { sourceInputSchema } from "@/lib/validations/source";
import { z } from "zod";

const sourceSchema = () => sourceInputSchema(urlPolicy());

export const createSourceAction = action("admin", sourceSchema, async (input, user) => {
  const view = await createSource(input, user.username);
  revalidatePath("/sources");
  return view;
});

/** Bound to the source id by the edit page: `updateSourceAction.bind(null, id)`. */
export async function updateSourceAction(id: string, raw: unknown) {
  return action("admin", sourceSchema, async (input, user) => {
    const view = await updateSource(String(id), input, user.username);
    revalidatePath("/sources");
    return view;
  })(raw);
}

export const deleteSourceAction = action("admin", z.string().min(1).max(64), async (id, user) => {
  const result = await deleteSource(id, user.username);
  revalidatePath("/sources");
  return result;
});

/** Dry run of the form's values: fetch + describe, nothing written; bound to the source id when editing. */
export async function previewSourceAction(id: string | null, raw: unknown) {
  return action("admin", sourceSchema, (input) => previewSource(input, id ?? undefined))(raw);
}
