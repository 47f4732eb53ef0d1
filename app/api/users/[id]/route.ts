import { withRole } from "@/lib/server/route";
import { deleteUser } from "@/lib/server/users/delete-user";
import { getUser } from "@/lib/server/users/find-users";
import { updateUser } from "@/lib/server/users/update-user";
import { ZUserUpdate } from "@/lib/validations/auth";

export const dynamic = "force-dynamic";

// GET /api/users/{id} - one user
export const GET = withRole("admin", {}, ({ params }) => getUser(params.id));

// PATCH /api/users/{id} - change the role and/or reset the password ({ role?, password? }); ends the user's sessions
export const PATCH = withRole("admin", { body: ZUserUpdate }, ({ input, user, params }) => updateUser(params.id, input, user));

// DELETE /api/users/{id} - delete a user (not yourself, never the last admin)
export const DELETE = withRole("admin", {}, ({ user, params }) => deleteUser(params.id, user));
