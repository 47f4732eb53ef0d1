"use client";

import { useState } from "react";
import { ConfirmButton, type ConfirmButtonProps } from "./confirm-button";

/** What a server action answers: its data, or a refusal with a message for the user. */
type Outcome<T> = { ok: true; data: T } | { ok: false; error: string };

/**
 * A confirmed server action (delete this, revoke that): the confirmation dialog, then the action; a refusal is
 * shown under the button instead of being swallowed, and `onDone` gets the action's data when it succeeds.
 */
export function ConfirmAction<T>({ action, onDone, className = "space-y-1", ...confirm }: Omit<ConfirmButtonProps, "onConfirm" | "className"> & {
  action: () => Promise<Outcome<T>>;
  onDone: (data: T) => void;
  className?: string;
}) {
  const [error, setError] = useState<string>();
  return (
    <div className={className}>
      <ConfirmButton
        {...confirm}
        onConfirm={async () => {
          const res = await action();
          if (res.ok) onDone(res.data);
          else setError(res.error);
        }}
      />
      {error && <p role="alert" className="text-sm text-red-600">{error}</p>}
    </div>
  );
}
