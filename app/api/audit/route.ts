import { findAuditEvents } from "@/lib/server/audit/find-audit-events";
import { withRole } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// GET /api/audit?targetType=source&target=name&take=200 - audit events, newest first
export const GET = withRole("admin", {}, ({ request }) => {
  const q = new URL(request.url).searchParams;
  return findAuditEvents({
    targetType: (q.get("targetType") ?? undefined) as never,
    target: q.get("target") ?? undefined,
    take: q.get("take") ?? undefined,
  });
});
