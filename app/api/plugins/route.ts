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
  return new Response(streamOf(body), { headers: { ...headers, "content-type": "application/json", "content-length": String(body.byteLength) } });
});

/**
 * The shared bytes as a one-chunk stream: `new Response(bytes)` copies them first (undici's defensive copy, 700 KiB
 * per request for 1,000 plugins). A default (not byte) stream hands the chunk on as it is, and nothing on the way
 * to the socket writes to it.
 */
function streamOf(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}
