"use client";

import { useCallback, useState } from "react";
import useSWR from "swr";
import type { ActionResult } from "@/lib/server/safe";
import type { NodeRunView, ProcessRunView } from "@/lib/server/processes/process-view";

/** How often a running run is asked for news, counted from the end of the previous answer. */
const POLL_MS = 700;

async function fetchRunView(url: string): Promise<ProcessRunView> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as ProcessRunView;
}

/**
 * The editor's run state: the latest run (followed live, polling its REST resource while it runs) and each node's
 * latest result across runs and node tests (what the canvas and the inspector show).
 */
export function useProcessRun(
  processId: string,
  initial: ProcessRunView | null,
  startRun: (payload: unknown) => Promise<ActionResult<{ runId: string }>>,
  cancelRun: (runId: unknown) => Promise<ActionResult<ProcessRunView>>,
) {
  const [run, setRun] = useState(initial);
  const [results, setResults] = useState(() => new Map((initial?.nodes ?? []).map((n) => [n.nodeId, n] as const)));
  const [error, setError] = useState<string>();
  /** "run", or the node being tested. */
  const [starting, setStarting] = useState<string | null>(null);

  const show = useCallback((next: ProcessRunView) => {
    setRun(next);
    setResults((prev) => {
      const map = new Map(prev);
      for (const n of next.nodes) map.set(n.nodeId, n);
      return map;
    });
  }, []);

  // The run shown is followed while it (or a node of a cancelled run still stopping) runs: SWR polls its REST
  // resource, one request at a time (a slow answer never overlaps the next), with a back-off after a failure.
  const live = !!run && (run.status === "running" || run.nodes.some((n) => n.status === "running"));
  useSWR(live ? `/api/processes/${processId}/runs/${run.id}` : null, fetchRunView, {
    refreshInterval: POLL_MS,
    revalidateOnMount: false,
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
    dedupingInterval: 0,
    onSuccess: show,
  });
  const fetchRun = useCallback(
    async (runId: string) => show(await fetchRunView(`/api/processes/${processId}/runs/${runId}`)),
    [processId, show],
  );

  /** Runs the process (or one node) after `prepare` (saving) succeeds. */
  const start = useCallback(
    async (nodeId: string | undefined, prepare: () => Promise<boolean>) => {
      setError(undefined);
      setStarting(nodeId ?? "run");
      try {
        if (!(await prepare())) return;
        const res = await startRun(nodeId ? { nodeId } : {});
        if (!res.ok) return setError(res.error);
        await fetchRun(res.data.runId);
      } finally {
        setStarting(null);
      }
    },
    [startRun, fetchRun],
  );

  /** Cancels the run shown; its running nodes are stopped by the instances executing them. */
  const cancel = useCallback(async () => {
    if (!run) return;
    const res = await cancelRun(run.id);
    if (res.ok) show(res.data);
    else setError(res.error);
  }, [run, cancelRun, show]);

  return { run, results: results as ReadonlyMap<string, NodeRunView>, error, starting, start, cancel };
}
