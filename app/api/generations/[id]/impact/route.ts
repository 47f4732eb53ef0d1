import { withRole } from "@/lib/server/route";
import { notFound } from "@/lib/server/errors";
import { findActivationImpact } from "@/lib/server/generations/find-activation-impact";
import { ZIntText } from "@/lib/validations/common";

export const dynamic = "force-dynamic";

// GET /api/generations/{id}/impact - what activating the generation would change, compared with the active one: the
// plugins it adds, removes and changes and the saved processes pinning a version it removes (changes nothing)
export const GET = withRole("admin", {}, ({ params }) => {
  const id = ZIntText.safeParse(params.id);
  if (!id.success || id.data < 1) throw notFound();
  return findActivationImpact(id.data);
});
