"use server";

import { changeOwnPassword } from "@/lib/server/users/change-password";
import { action } from "@/lib/server/safe";
import { ZPasswordChange } from "@/lib/validations/auth";

/** Your own password (also the required change after a generated or reset one). */
export const changePasswordAction = action("account", ZPasswordChange, (input, user) => changeOwnPassword(user.id, input));
