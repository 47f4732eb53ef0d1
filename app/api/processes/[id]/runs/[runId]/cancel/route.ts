import { withRole } from "@/lib/server/route";
import { cancelProcessRun } from "@/lib/server/processes/cancel-process-run";

export const dynamic = "force-dynamic";

// POST /api/processes/{id}/runs/{runId}/cancel - cancel a running run (owner, editors, admins): it ends "cancelled"; 409 if it has ended
export const POST = withRole("member", {}, ({ params, user }) => cancelProcessRun(params.id, params.runId, user));
