import { db } from "@/lib/db";
import { markDatabaseUp } from "@/lib/db/health";
import { checkDatabase, withTimeout } from "@/lib/server/health/check-database";
import { observed } from "@/lib/server/route";
import { hostSettings } from "@/lib/server/runtime/host-settings";
import { poolServes } from "@/lib/server/runtime/runtime";
import { activationState, getRuntimeStatus } from "@/lib/server/runtime/status";

export const dynamic = "force-dynamic";

const DB_TIMEOUT_MS = 2000;

type Checks = {
  db: "ok" | "unreachable" | "migrations_pending";
  generation: "ok" | "not_loaded" | "verification_failed";
  pool: "ok" | "down";
};
/** What plugin code is confined by here: "ok" (files, environment, processes, network), "degraded" (network open). */
type Confinement = "ok" | "degraded";

// GET /api/ready - readiness: 200 { status: "ready", checks } or 503 { status: "not_ready", checks } naming the failing checks
export const GET = observed(async () => {
  const checks = await check();
  const ready = Object.values(checks).every((c) => c === "ok");
  // The confinement is reported, not part of readiness: a degraded one is a property of the machine, the same on
  // every instance, and routing traffic away would not change it (it is logged at WARN at start).
  const confinement: Confinement = hostSettings().confinement.network === "isolated" ? "ok" : "degraded";
  // Reported beside the checks: "pending" (a newer activation this instance cannot load yet) leaves it ready with
  // the generation it verified, and "loading" is the switch under way.
  const activation = activationState();
  return Response.json({ status: ready ? "ready" : "not_ready", checks: { ...checks, confinement, ...(activation === "current" ? {} : { activation }) } }, { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } });
});

/**
 * db: the database answers `SELECT 1` within 2 s ("unreachable" otherwise) and has every migration of this build
 * ("migrations_pending" otherwise). generation: the instance serves the active generation it last saw in the
 * database, every set verified — or there is no active generation at all and it serves none (a new install), or
 * a newer activation is pending here (it cannot load it yet) while it serves a generation it verified.
 * pool: the runtime has been loaded and its pool can run plugins now (open, and hosts may start: not so where
 * PLUGIN_REQUIRE_NETWORK_ISOLATION=1 cannot be met). The answer names check outcomes only: no configuration, paths, URLs,
 * versions or error messages (those are in the log).
 */
async function check(): Promise<Checks> {
  const database = await checkDatabase(DB_TIMEOUT_MS);
  let activeNow: number | null | undefined;
  if (database === "ok") {
    markDatabaseUp(); // pages need not wait for the mark to lapse
    try {
      const active = await withTimeout((async () => (await db()).generation.findFirst({ where: { status: "active" }, select: { id: true } }))(), DB_TIMEOUT_MS);
      activeNow = active?.id ?? null;
    } catch {
      activeNow = undefined; // gone between the two queries: the runtime's own view decides below
    }
  }
  const s = getRuntimeStatus();
  let generation: Checks["generation"];
  if (s.generation === null) generation = (activeNow === undefined ? s.activeInDb : activeNow) === null ? "ok" : "not_loaded";
  else if (s.generation !== s.activeInDb && s.pending?.generation !== s.activeInDb) generation = "not_loaded";
  else generation = s.verified ? "ok" : "verification_failed";
  return { db: database, generation, pool: s.poolUp && poolServes() ? "ok" : "down" };
}
