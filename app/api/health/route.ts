import { observed } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// GET /api/health - liveness: 200 { status: "ok" } while the process serves requests (no auth, no details)
export const GET = observed(async () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }));
