"use client";

import { useCallback, useEffect, useState } from "react";
import type { CredentialView } from "@/lib/server/credentials/credential-view";

/**
 * The credentials the signed-in user may use, for the secret inputs of the inspector (names only: the API never
 * sends a value). Read when a form mounts and again when a choice gets focus, so one created in another tab shows.
 */
export function useCredentialOptions(): { options: Pick<CredentialView, "id" | "name" | "owner">[]; refresh: () => void } {
  const [options, setOptions] = useState<Pick<CredentialView, "id" | "name" | "owner">[]>([]);
  const refresh = useCallback(() => {
    void fetch("/api/credentials", { cache: "no-store" })
      .then(async (res) => (res.ok ? setOptions((await res.json()) as CredentialView[]) : undefined))
      .catch(() => undefined);
  }, []);
  useEffect(refresh, [refresh]);
  return { options, refresh };
}
