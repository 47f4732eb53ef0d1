import { notFound } from "@/lib/server/errors";
import { withRole } from "@/lib/server/route";
import { getRuntime } from "@/lib/server/runtime/runtime";

export const dynamic = "force-dynamic";

// GET /api/plugins/{code}?version= - one plugin (latest version unless given) with its inputs and outputs
export const GET = withRole("member", {}, async ({ params, request }) => {
  const version = new URL(request.url).searchParams.get("version") ?? undefined;
  const plugin = getRuntime().registry.get(params.code, version);
  if (!plugin) throw notFound();
  return { ...plugin, versions: getRuntime().registry.versions(params.code) };
});
