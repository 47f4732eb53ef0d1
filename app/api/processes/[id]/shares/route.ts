import { withRole } from "@/lib/server/route";
import { findShares, requireOwned, setShare } from "@/lib/server/sharing/set-share";
import { ZShareInput } from "@/lib/validations/sharing";

export const dynamic = "force-dynamic";

// GET /api/processes/{id}/shares - who the process is shared with (owner, admins)
export const GET = withRole("member", {}, async ({ params, user }) => {
  await requireOwned("process", params.id, user, "owner");
  return findShares("process", params.id);
});

// PUT /api/processes/{id}/shares - share with { username, role: viewer|editor }, or take it back with role "none" (owner, admins)
export const PUT = withRole("member", { body: ZShareInput }, ({ params, input, user }) => setShare("process", params.id, input, user));
