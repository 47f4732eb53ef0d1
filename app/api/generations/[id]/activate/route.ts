import { withRole } from "@/lib/server/route";
import { activateGeneration } from "@/lib/server/runtime/activate-generation";

export const dynamic = "force-dynamic";

// POST /api/generations/{id}/activate - make a ready generation active (rollback = activate an older one)
export const POST = withRole("admin", {}, ({ params, user }) => activateGeneration(Number(params.id) || 0, user.username));
