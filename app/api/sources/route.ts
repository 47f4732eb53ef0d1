import { urlPolicy } from "@/lib/env";
import { withRole } from "@/lib/server/route";
import { findSources } from "@/lib/server/sources/find-sources";
import { createSource } from "@/lib/server/sources/save-source";
import { sourceInputSchema } from "@/lib/validations/source";

export const dynamic = "force-dynamic";

// GET /api/sources - every plugin source (secrets reduced to secretSet)
export const GET = withRole("admin", {}, () => findSources());

// POST /api/sources - create a source with its plugin sets
export const POST = withRole("admin", { body: () => sourceInputSchema(urlPolicy()), status: 201 }, ({ input, user }) =>
  createSource(input, user.username),
);
