"use client";

import { useCallback, useEffect, useState } from "react";
import type { ActionResult } from "@/lib/server/safe";
import type { NodeRunView, ProcessRunView } from "@/lib/server/processes/process-view";

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

  const fetchRun = useCallback(
    async (runId: string) => {
      const res = await fetch(`/api/processes/${processId}/runs/${runId}`, { cache: "no-store" });
      if (res.ok) show((await res.json()) as ProcessRunView);
    },
    [processId, show],
  );

  useEffect(() => {
    // A cancelled run may still have a node stopping: followed until none runs.
    if (!run || (run.status !== "running" && !run.nodes.some((n) => n.status === "running"))) return;
    const timer = setInterval(() => void fetchRun(run.id).catch(() => undefined), 700);
    return () => clearInterval(timer);
  }, [run?.id, run?.status, run?.nodes, fetchRun]); // eslint-disable-line react-hooks/exhaustive-deps -- follow the run by id and status

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
