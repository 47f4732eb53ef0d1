"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/server/safe";
import { createUser } from "@/lib/server/users/create-user";
import { deleteUser } from "@/lib/server/users/delete-user";
import { revokeUserSessions } from "@/lib/server/users/revoke-user-sessions";
import { updateUser } from "@/lib/server/users/update-user";
import { ZUserInput, ZUserUpdate } from "@/lib/validations/auth";

const ZUserId = z.string().min(1).max(64);

export const createUserAction = action("admin", ZUserInput, async (input, user) => {
  const view = await createUser(input, user.username);
  revalidatePath("/users");
  return view;
});

/** Role change and/or password reset; bound to the user id by the users page: `updateUserAction.bind(null, id)`. */
export async function updateUserAction(id: string, raw: unknown) {
  return action("admin", ZUserUpdate, async (input, user) => {
    const view = await updateUser(String(id), input, user);
    revalidatePath("/users");
    return view;
  })(raw);
}

export const revokeUserSessionsAction = action("admin", ZUserId, async (id, user) => {
  const result = await revokeUserSessions(id, user.username);
  revalidatePath("/users");
  return result;
});

export const deleteUserAction = action("admin", ZUserId, async (id, user) => {
  const result = await deleteUser(id, user);
  revalidatePath("/users");
  return result;
});
