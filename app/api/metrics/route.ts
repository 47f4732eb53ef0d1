import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { renderMetrics } from "@/lib/metrics";
import { observed } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// GET /api/metrics - Prometheus text format; needs Authorization: Bearer $METRICS_TOKEN (404 when METRICS_TOKEN is unset)
export const GET = observed(async (request: Request) => {
  const expected = env.metricsToken();
  if (!expected) return new Response("metrics disabled\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  if (!bearerMatches(request.headers.get("authorization"), expected)) {
    return new Response("unauthorized\n", { status: 401, headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' } });
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
});

/** Constant time over SHA-256 digests (equal lengths, so the token's length does not leak either). */
function bearerMatches(header: string | null, expected: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(m?.[1] ?? ""), digest(expected)) && Boolean(m);
}
