"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/server/safe";
import { createUser, deleteUser } from "@/lib/server/users/users";
import { ZUserInput } from "@/lib/validations/auth";

export const createUserAction = action("admin", ZUserInput, async (input, user) => {
  const view = await createUser(input, user.username);
  revalidatePath("/users");
  return view;
});

export const deleteUserAction = action("admin", z.string().min(1).max(64), async (id, user) => {
  const result = await deleteUser(id, user);
  revalidatePath("/users");
  return result;
});
