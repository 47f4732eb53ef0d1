import { urlPolicy } from "@/lib/env";
import { withRole } from "@/lib/server/route";
import { deleteSource } from "@/lib/server/sources/delete-source";
import { getSourceById } from "@/lib/server/sources/find-sources";
import { updateSource } from "@/lib/server/sources/save-source";
import { sourceInputSchema } from "@/lib/validations/source";

export const dynamic = "force-dynamic";

// GET /api/sources/{id} - one source
export const GET = withRole("admin", {}, ({ params }) => getSourceById(params.id));

// PUT /api/sources/{id} - replace a source's configuration (blank secrets keep the stored ones)
export const PUT = withRole("admin", { body: () => sourceInputSchema(urlPolicy()) }, ({ input, user, params }) =>
  updateSource(params.id, input, user.username),
);

// DELETE /api/sources/{id} - delete a source and its plugin sets
export const DELETE = withRole("admin", {}, ({ user, params }) => deleteSource(params.id, user.username));
