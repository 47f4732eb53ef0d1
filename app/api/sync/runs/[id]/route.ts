import { withRole } from "@/lib/server/route";
import { ExpectedError } from "@/lib/server/errors";
import { getSyncRun } from "@/lib/server/sync/find-sync-runs";
import { ZIntText } from "@/lib/validations/common";

export const dynamic = "force-dynamic";

// GET /api/sync/runs/{id}?after=<logId> - one run: status, per-source results, log lines after `after`
export const GET = withRole("admin", {}, ({ params, request }) => {
  const after = new URL(request.url).searchParams.get("after");
  const cursor = after === null || after === "" ? { success: true as const, data: 0 } : ZIntText.safeParse(after);
  if (!cursor.success) throw new ExpectedError(400, "errors.badQuery", { name: "after" });
  return getSyncRun(params.id, cursor.data);
});
