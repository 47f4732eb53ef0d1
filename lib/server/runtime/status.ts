import "server-only";

/** What the running instance has loaded: read by /api/ready, the admin banner and the metrics. */
export interface RuntimeStatus {
  /** The generation this instance serves (null: built-ins only). */
  generation: number | null;
  /** The active generation in the DB, as last seen by this instance's poll. */
  activeInDb: number | null;
  /** Every loaded set's files matched the manifest. */
  verified: boolean;
  /** "cache": loaded from the cache; "local": the cache was unreachable, the local copy verified; "none". */
  origin: "cache" | "local" | "none";
  /** Why the instance runs without (part of) its generation, for the admin banner and the logs. */
  problem: string | null;
  /** The served runtime's pool could run plugins when it was loaded (open, hosts allowed); false before the first load. */
  poolUp: boolean;
  plugins: { loaded: number; failed: number; carriedOver: number };
  loadedAt: string | null;
  /** A generation this instance is loading now (an activation, or the first load), null when none. */
  loading: number | null;
  /**
   * The active generation this instance cannot load yet (e.g. the cache is down and it has no local copy): it keeps
   * serving `generation`, stays ready when that is verified, and retries at every poll. Null when none.
   */
  pending: { generation: number; reason: string; since: string } | null;
}

/**
 * This instance's way to the active generation, as /api/ready, the plugins page and the metrics report it:
 * "current" (it serves it, or none is active), "loading" it now, or "pending" (it cannot load it yet).
 */
export type ActivationState = "current" | "loading" | "pending";

export function activationState(s: RuntimeStatus = getRuntimeStatus()): ActivationState {
  return s.pending ? "pending" : s.loading !== null ? "loading" : "current";
}

const g = globalThis as unknown as { __opsflowRuntimeStatus?: RuntimeStatus };

export function getRuntimeStatus(): RuntimeStatus {
  return (
    g.__opsflowRuntimeStatus ?? {
      generation: null,
      activeInDb: null,
      verified: false,
      origin: "none",
      problem: null,
      poolUp: false,
      plugins: { loaded: 0, failed: 0, carriedOver: 0 },
      loadedAt: null,
      loading: null,
      pending: null,
    }
  );
}

export function setRuntimeStatus(status: RuntimeStatus): void {
  g.__opsflowRuntimeStatus = status;
}

/** Marks a load of `generation` under way (null: none), keeping the rest of the status. */
export function setLoading(generation: number | null): void {
  setRuntimeStatus({ ...getRuntimeStatus(), loading: generation });
}
