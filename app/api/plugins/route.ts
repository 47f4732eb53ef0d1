import { withRole } from "@/lib/server/route";
import { getRuntime } from "@/lib/server/runtime/runtime";

export const dynamic = "force-dynamic";

// GET /api/plugins?q=&locale= - the serving generation's plugins, grouped, every version (signed-in users)
export const GET = withRole("member", {}, async ({ request }) => {
  const q = new URL(request.url).searchParams;
  const { registry, generation } = getRuntime();
  return { generation, groups: registry.list({ q: q.get("q") ?? undefined, locale: q.get("locale") ?? undefined }) };
});
