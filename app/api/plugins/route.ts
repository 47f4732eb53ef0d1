import { createHash } from "node:crypto";
import type { Registry } from "@/lib/plugins/registry/registry";
import { withRole } from "@/lib/server/route";
import { getRuntime } from "@/lib/server/runtime/runtime";

export const dynamic = "force-dynamic";

/**
 * The unfiltered list is the same for every request until another generation is served: it is serialised once per
 * registry and locale (the picker asks for it on every editor load), with an ETag for conditional requests.
 */
const serialised = new WeakMap<Registry, Map<string, { body: string; etag: string }>>();

function listBody(registry: Registry, generation: number | null, q: string | undefined, locale: string | undefined) {
  const build = () => {
    const body = JSON.stringify({ generation, groups: registry.list({ q, locale }) });
    return { body, etag: `"${createHash("sha1").update(body).digest("base64url").slice(0, 20)}"` };
  };
  if (q) return build();
  let perLocale = serialised.get(registry);
  if (!perLocale) serialised.set(registry, (perLocale = new Map()));
  const key = locale ?? "";
  let hit = perLocale.get(key);
  if (!hit) {
    hit = build();
    if (perLocale.size < 16) perLocale.set(key, hit);
  }
  return hit;
}

// GET /api/plugins?q=&locale= - the serving generation's plugins, grouped, every version (signed-in users)
export const GET = withRole("member", {}, async ({ request }) => {
  const params = new URL(request.url).searchParams;
  const { registry, generation } = getRuntime();
  const { body, etag } = listBody(registry, generation, params.get("q")?.trim() || undefined, params.get("locale") ?? undefined);
  const headers = { etag, "cache-control": "private, no-cache" };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  return new Response(body, { headers: { ...headers, "content-type": "application/json" } });
});
