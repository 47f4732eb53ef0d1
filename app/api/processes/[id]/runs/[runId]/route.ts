import { withRole } from "@/lib/server/route";
import { getProcessRun } from "@/lib/server/processes/get-process-run";

export const dynamic = "force-dynamic";

// GET /api/processes/{id}/runs/{runId} - a run with each node's status, inputs (secrets masked), outputs, logs, error, attempts and duration
export const GET = withRole("member", {}, ({ params, user }) => getProcessRun(params.id, params.runId, user));
