import { withRole } from "@/lib/server/route";
import { ExpectedError, notFound } from "@/lib/server/errors";
import { activateGeneration } from "@/lib/server/generations/activate-generation";
import { findActivationImpact } from "@/lib/server/generations/find-activation-impact";
import { ZIntText } from "@/lib/validations/common";
import { ZDryRun } from "@/lib/validations/generation";

export const dynamic = "force-dynamic";

// POST /api/generations/{id}/activate - make a ready generation active (rollback = activate an older one): 202 with
// the generation and this instance's "activation" (loading while it loads; 409 when the generation cannot be read).
// ?dryRun=1 changes nothing: 200 with what it would change (as GET /api/generations/{id}/impact)
export const POST = withRole("admin", {}, async ({ params, user, request }) => {
  // Digits within the id column's range, or it names no generation (99999999999999999999 is not a query error).
  const id = ZIntText.safeParse(params.id);
  if (!id.success || id.data < 1) throw notFound();
  // A value other than 1/true/0/false is refused before anything happens: a typo must not activate.
  const dryRun = ZDryRun.safeParse(new URL(request.url).searchParams.get("dryRun"));
  if (!dryRun.success) throw new ExpectedError(400, "errors.badQuery", { name: "dryRun" });
  if (dryRun.data) return findActivationImpact(id.data);
  return Response.json(await activateGeneration(id.data, user.username), { status: 202 });
});
