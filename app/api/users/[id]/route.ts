import { withRole } from "@/lib/server/route";
import { deleteUser } from "@/lib/server/users/users";

export const dynamic = "force-dynamic";

// DELETE /api/users/{id} - delete a user (not yourself)
export const DELETE = withRole("admin", {}, ({ user, params }) => deleteUser(params.id, user));
