"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/server/safe";
import { deleteCredential } from "@/lib/server/credentials/delete-credential";
import { createCredential, updateCredential } from "@/lib/server/credentials/save-credential";
import { setShare } from "@/lib/server/sharing/set-share";
import { ZCredentialCreate, ZCredentialUpdate } from "@/lib/validations/credential";
import { ZProcessId } from "@/lib/validations/process";
import { ZShareInput } from "@/lib/validations/sharing";

// Any signed-in user; who may change, delete or share one credential is checked in lib/server/credentials.
// None of these returns a value: the views carry names and access only.

export const createCredentialAction = action("member", ZCredentialCreate, async (input, user) => {
  const created = await createCredential(input, user);
  revalidatePath("/credentials");
  return created;
});

/** Bound to the credential id. */
export async function updateCredentialAction(id: string, raw: unknown) {
  return action("member", ZCredentialUpdate, async (input, user) => {
    const updated = await updateCredential(String(id), input, user);
    revalidatePath("/credentials");
    return updated;
  })(raw);
}

export const deleteCredentialAction = action("member", ZProcessId, async (id, user) => {
  const result = await deleteCredential(id, user);
  revalidatePath("/credentials");
  return result;
});

/** Bound to the credential id. */
export async function shareCredentialAction(id: string, raw: unknown) {
  return action("member", ZShareInput, async (input, user) => setShare("credential", String(id), input, user))(raw);
}
