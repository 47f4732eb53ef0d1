import { withRole } from "@/lib/server/route";
import { deleteSigningKey } from "@/lib/server/signing-keys/delete-signing-key";
import { getSigningKey } from "@/lib/server/signing-keys/find-signing-keys";

export const dynamic = "force-dynamic";

// GET /api/signing-keys/{id} - one key
export const GET = withRole("admin", {}, ({ params }) => getSigningKey(params.id));

// DELETE /api/signing-keys/{id} - remove a key from the allow-list
export const DELETE = withRole("admin", {}, ({ user, params }) => deleteSigningKey(params.id, user.username));
