import { withRole, withRoleOrToken } from "@/lib/server/route";
import { findSyncRuns } from "@/lib/server/sync/find-sync-runs";
import { startSync } from "@/lib/server/sync/start-sync";
import { ZSyncRequest } from "@/lib/validations/sync";

export const dynamic = "force-dynamic";

// GET /api/sync - recent sync runs, newest first
export const GET = withRole("admin", {}, () => findSyncRuns());

// POST /api/sync - start a sync run (admin session, or Authorization: Bearer $SYNC_TOKEN); 202 { runId }, 409 if one runs
export const POST = withRoleOrToken({ body: ZSyncRequest, status: 202 }, async ({ input, actor, isToken }) => {
  const { runId } = await startSync({ trigger: isToken ? "api" : "admin", actor, only: input.sources, dryRun: input.dryRun, activate: input.activate });
  return { runId };
});
