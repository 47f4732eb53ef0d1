import { withRole } from "@/lib/server/route";
import { notFound } from "@/lib/server/errors";
import { activateGeneration } from "@/lib/server/generations/activate-generation";
import { ZIntText } from "@/lib/validations/common";

export const dynamic = "force-dynamic";

// POST /api/generations/{id}/activate - make a ready generation active (rollback = activate an older one): 202 with
// the generation and this instance's "activation" (loading while it loads; 409 when the generation cannot be read)
export const POST = withRole("admin", { status: 202 }, ({ params, user }) => {
  // Digits within the id column's range, or it names no generation (99999999999999999999 is not a query error).
  const id = ZIntText.safeParse(params.id);
  if (!id.success || id.data < 1) throw notFound();
  return activateGeneration(id.data, user.username);
});
