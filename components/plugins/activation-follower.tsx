"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import useSWR from "swr";
import type { ActivationState } from "@/lib/server/runtime/status";

/** How often the page asks whether the switch has moved on, counted from the end of the previous answer. */
const POLL_MS = 1000;

/**
 * While this instance loads (or waits to load) the active generation, follows it: polls /api/ready, whose
 * `checks.activation` says "loading" or "pending" until the switch is done, and re-renders the page when it changes.
 * Renders nothing.
 */
export function ActivationFollower({ state }: { state: ActivationState }) {
  const router = useRouter();
  const { data } = useSWR(
    state === "current" ? null : "/api/ready",
    async (url: string) => {
      // 503 still carries the checks (not ready for another reason): read the body either way.
      const body = (await (await fetch(url, { cache: "no-store" })).json()) as { checks?: { activation?: ActivationState } };
      return body.checks?.activation ?? "current";
    },
    { refreshInterval: POLL_MS, revalidateOnFocus: false, dedupingInterval: 0 },
  );
  useEffect(() => {
    if (data && data !== state) router.refresh();
  }, [data, state, router]);
  return null;
}
