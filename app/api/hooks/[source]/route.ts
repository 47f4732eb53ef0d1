import { z } from "zod";
import { receiveWebhook } from "@/lib/server/hooks/receive-webhook";
import { observed, respond } from "@/lib/server/route";
import { runSafely } from "@/lib/server/safe";

export const dynamic = "force-dynamic";

// POST /api/hooks/{source id} - a git host's push webhook (GitHub, GitLab, Gitea/Forgejo), signed with the source's
// webhook secret; 202 and a sync of that source only. Not cookie-authenticated: no session, no same-origin rule.
export const POST = observed(async (request: Request, ctx: { params: Promise<{ source: string }> }) => {
  const { source } = await ctx.params;
  const result = await runSafely("public", z.unknown(), undefined, () => receiveWebhook(source, request));
  const response = result.ok ? Response.json(result.data.body, { status: result.data.httpStatus }) : respond(result);
  response.headers.set("cache-control", "no-store");
  return response;
});
