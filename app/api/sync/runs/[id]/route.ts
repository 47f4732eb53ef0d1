import { withRole } from "@/lib/server/route";
import { getSyncRun } from "@/lib/server/sync/find-sync-runs";

export const dynamic = "force-dynamic";

// GET /api/sync/runs/{id}?after=<logId> - one run: status, per-source results, log lines after `after`
export const GET = withRole("admin", {}, ({ params, request }) =>
  getSyncRun(params.id, Number(new URL(request.url).searchParams.get("after")) || 0),
);
