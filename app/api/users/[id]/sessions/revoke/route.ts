import { withRole } from "@/lib/server/route";
import { revokeUserSessions } from "@/lib/server/users/revoke-user-sessions";

export const dynamic = "force-dynamic";

// POST /api/users/{id}/sessions/revoke - sign the user out everywhere (every session, every instance)
export const POST = withRole("admin", {}, ({ user, params }) => revokeUserSessions(params.id, user.username));
