import { withRole } from "@/lib/server/route";
import { deleteCredential } from "@/lib/server/credentials/delete-credential";
import { getCredential } from "@/lib/server/credentials/find-credentials";
import { updateCredential } from "@/lib/server/credentials/save-credential";
import { ZCredentialUpdate } from "@/lib/validations/credential";

export const dynamic = "force-dynamic";

// GET /api/credentials/{id} - one credential's name, description, owner and the caller's access (404 unless visible)
export const GET = withRole("member", {}, ({ params, user }) => getCredential(params.id, user));

// PUT /api/credentials/{id} - rename, describe, or replace the value (blank keeps it) (owner, editors, admins)
export const PUT = withRole("member", { body: ZCredentialUpdate }, ({ params, input, user }) => updateCredential(params.id, input, user));

// DELETE /api/credentials/{id} - delete it (owner, admins); 409 while a process uses it
export const DELETE = withRole("member", {}, ({ params, user }) => deleteCredential(params.id, user));
