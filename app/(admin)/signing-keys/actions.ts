"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/server/safe";
import { createSigningKey } from "@/lib/server/signing-keys/create-signing-key";
import { deleteSigningKey } from "@/lib/server/signing-keys/delete-signing-key";
import { ZSigningKeyInput } from "@/lib/validations/signing-key";

const ZKeyId = z.string().min(1).max(64);

export const createSigningKeyAction = action("admin", ZSigningKeyInput, async (input, user) => {
  const view = await createSigningKey(input, user.username);
  revalidatePath("/signing-keys");
  return view;
});

export const deleteSigningKeyAction = action("admin", ZKeyId, async (id, user) => {
  const result = await deleteSigningKey(id, user.username);
  revalidatePath("/signing-keys");
  return result;
});
