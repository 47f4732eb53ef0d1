import { withRole } from "@/lib/server/route";
import { findShares, requireOwned, setShare } from "@/lib/server/sharing/set-share";
import { ZShareInput } from "@/lib/validations/sharing";

export const dynamic = "force-dynamic";

// GET /api/credentials/{id}/shares - who the credential is shared with (owner, admins)
export const GET = withRole("member", {}, async ({ params, user }) => {
  await requireOwned("credential", params.id, user, "owner");
  return findShares("credential", params.id);
});

// PUT /api/credentials/{id}/shares - share with { username, role: viewer|editor } (both may use it; editors may replace the value), or "none"
export const PUT = withRole("member", { body: ZShareInput }, ({ params, input, user }) => setShare("credential", params.id, input, user));
