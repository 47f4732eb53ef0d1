import { withRole } from "@/lib/server/route";
import { startProcessRun } from "@/lib/server/processes/start-process-run";
import { ZRunRequest } from "@/lib/validations/process";

export const dynamic = "force-dynamic";

// POST /api/processes/{id}/runs - run the saved process, or one node with { nodeId }; 202 { runId }, poll the run
export const POST = withRole("member", { body: ZRunRequest, status: 202 }, async ({ input, user, params }) => {
  const { runId } = await startProcessRun(params.id, input, user.username);
  return { runId };
});
