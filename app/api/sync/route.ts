import { withRole, withRoleOrToken } from "@/lib/server/route";
import { findSyncRuns } from "@/lib/server/sync/find-sync-runs";
import { startSync } from "@/lib/server/sync/start-sync";
import { ZSyncRequest } from "@/lib/validations/sync";

export const dynamic = "force-dynamic";

// GET /api/sync - recent sync runs, newest first
export const GET = withRole("admin", {}, () => findSyncRuns());

// POST /api/sync - start a sync run (admin session, or Authorization: Bearer $SYNC_TOKEN); 202 { runId }, 409 if one runs
// The trigger says how the run came: through this API (with a session cookie or the token; the actor says which),
// never "admin", which is the admin page's button (a server action).
export const POST = withRoleOrToken({ body: ZSyncRequest, status: 202 }, async ({ input, actor }) => {
  const { runId } = await startSync({ trigger: "api", actor, only: input.sources, dryRun: input.dryRun, activate: input.activate });
  return { runId };
});
