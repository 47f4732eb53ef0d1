"use client";

import { useRef } from "react";
import useSWR from "swr";
import type { SyncRunDetail } from "@/lib/server/sync/find-sync-runs";

/** How often a running run is asked for news, counted from the end of the previous answer. */
const POLL_MS = 1000;

/**
 * A sync run as it progresses: polls GET /api/sync/runs/{id}?after=<last log id> while it runs and appends the new
 * log lines. SWR starts a poll only once the previous one has answered (a slow answer never overlaps the next
 * request, which would ask for the same lines again), and retries a failed poll with a back-off.
 */
export function useSyncRun(initial: SyncRunDetail): SyncRunDetail {
  // The lines shown so far: the cursor of the next poll (the fetcher runs once at a time, see above).
  const latest = useRef(initial);
  const { data } = useSWR(
    initial.status === "running" ? `/api/sync/runs/${encodeURIComponent(initial.id)}` : null,
    async (url: string) => {
      const shown = latest.current;
      const after = shown.logs.at(-1)?.id ?? 0;
      const res = await fetch(`${url}?after=${after}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
      const next = (await res.json()) as SyncRunDetail;
      latest.current = { ...next, logs: [...shown.logs, ...next.logs.filter((l) => l.id > after)] };
      return latest.current;
    },
    {
      fallbackData: initial,
      // Until the first answer SWR passes no data (fallbackData is not cached): the initial run decides then.
      refreshInterval: (run) => ((run ?? latest.current).status === "running" ? POLL_MS : 0),
      // The page came with the run as it is now: the first poll waits one interval, as every later one does.
      revalidateOnMount: false,
      revalidateOnFocus: false,
      revalidateOnReconnect: false,
      dedupingInterval: 0,
    },
  );
  return data;
}
