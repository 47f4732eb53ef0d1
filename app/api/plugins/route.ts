import { withRole } from "@/lib/server/route";
import { getRuntime } from "@/lib/server/runtime/runtime";
import { pluginListBody } from "@/lib/server/runtime/plugin-list";

export const dynamic = "force-dynamic";

// GET /api/plugins?q=&locale= - the serving generation's plugins, grouped, every version (signed-in users)
export const GET = withRole("member", {}, async ({ request }) => {
  const params = new URL(request.url).searchParams;
  const { registry, generation } = getRuntime();
  const { body, etag } = pluginListBody(registry, generation, params.get("q")?.trim() || undefined, params.get("locale") ?? undefined);
  const headers = { etag, "cache-control": "private, no-cache" };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers: { ...headers, "content-type": "application/json" } });
});
