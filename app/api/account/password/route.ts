import { withRole } from "@/lib/server/route";
import { changeOwnPassword } from "@/lib/server/users/change-password";
import { ZPasswordChange } from "@/lib/validations/auth";

export const dynamic = "force-dynamic";

// PUT /api/account/password - change your own password ({ currentPassword, newPassword }); your other sessions end
export const PUT = withRole("account", { body: ZPasswordChange }, ({ input, user }) => changeOwnPassword(user.id, input));
