import { withRole } from "@/lib/server/route";
import { findCredentials } from "@/lib/server/credentials/find-credentials";
import { createCredential } from "@/lib/server/credentials/save-credential";
import { ZCredentialCreate } from "@/lib/validations/credential";

export const dynamic = "force-dynamic";

// GET /api/credentials - the credentials the caller may use (own, shared with them; admins: all); never a value
export const GET = withRole("member", {}, ({ user }) => findCredentials(user));

// POST /api/credentials - create { name, description?, value }, owned by the caller; the value is encrypted and never returned
export const POST = withRole("member", { body: ZCredentialCreate, status: 201 }, ({ input, user }) => createCredential(input, user));
