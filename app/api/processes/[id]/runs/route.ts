import { withRole } from "@/lib/server/route";
import { findProcessRuns, ZRunFilter } from "@/lib/server/processes/find-process-runs";
import { startProcessRun } from "@/lib/server/processes/start-process-run";
import { parseQuery } from "@/lib/server/query";
import { ZRunRequest } from "@/lib/validations/process";

export const dynamic = "force-dynamic";

// GET /api/processes/{id}/runs?status=&take= - every run of the process, newest first (status: running|succeeded|failed|cancelled)
export const GET = withRole("member", {}, ({ params, user, request }) => findProcessRuns(params.id, parseQuery(ZRunFilter, request), user));

// POST /api/processes/{id}/runs - run the saved process, one node with { nodeId }, or an earlier run again with { rerunOf }; 202 { runId }
export const POST = withRole("member", { body: ZRunRequest, status: 202 }, ({ input, user, params }) => startProcessRun(params.id, input, user));
