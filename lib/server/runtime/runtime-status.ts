import "server-only";
import type { Runtime } from "./runtime";
import type { RuntimeStatus } from "./status";

/** The status of an instance serving `rt`: what it loaded, verified and may run, and what it waits for. */
export function statusOf(
  rt: Runtime,
  at: { activeInDb: number | null; problem: string | null; pending: RuntimeStatus["pending"]; poolUp: boolean },
): RuntimeStatus {
  const sets = rt.loaded?.sets ?? [];
  return {
    generation: rt.generation,
    activeInDb: at.activeInDb,
    verified: Boolean(rt.loaded) && sets.every((s) => s.status !== "integrity_failed"),
    origin: rt.loaded?.origin ?? "none",
    problem: at.problem ?? (sets.some((s) => s.status === "integrity_failed") ? "some plugin sets failed verification" : null),
    poolUp: at.poolUp,
    plugins: {
      loaded: rt.registry.all().length,
      failed: rt.registry.problems.filter((p) => p.status !== "carried_over").length,
      carriedOver: rt.registry.problems.filter((p) => p.status === "carried_over").length,
    },
    loadedAt: new Date().toISOString(),
    loading: null,
    pending: at.pending,
  };
}
