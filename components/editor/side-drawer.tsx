"use client";

import { useSyncExternalStore, type ReactNode } from "react";
import { cn } from "@/components/ui";

/** The width from which the editor shows picker, canvas and inspector side by side (Tailwind's `xl`). */
export const WIDE_QUERY = "(min-width: 80rem)";

/** Whether the window is at least that wide (false on the server: the narrow layout needs no JS to start closed). */
export function useWide(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const m = window.matchMedia(WIDE_QUERY);
      m.addEventListener("change", cb);
      return () => m.removeEventListener("change", cb);
    },
    () => window.matchMedia(WIDE_QUERY).matches,
    () => false,
  );
}

/**
 * A column of the editor that is a drawer below `xl`: from `xl` it is an ordinary aside in the grid; narrower, it
 * is hidden until opened, then slides over the page from its side (with a backdrop and a close button; Escape
 * closes it too), so the canvas keeps the width.
 */
export function SideDrawer({ open, onClose, side, label, closeLabel, className, children, testId }: { open: boolean; onClose: () => void; side: "left" | "right"; label: string; closeLabel: string; className?: string; children: ReactNode; testId?: string }) {
  return (
    <>
      {open && <button type="button" tabIndex={-1} aria-hidden="true" className="fixed inset-0 z-40 bg-zinc-900/30 xl:hidden" onClick={onClose} />}
      <aside
        aria-label={label}
        data-testid={testId}
        data-open={open || undefined}
        onKeyDown={(e) => {
          if (e.key === "Escape" && open && !e.defaultPrevented) {
            e.stopPropagation();
            onClose();
          }
        }}
        className={cn(
          "fixed inset-y-0 z-50 flex w-[22rem] max-w-[calc(100vw-2.5rem)] flex-col overflow-y-auto bg-white p-4 shadow-xl xl:static xl:z-auto xl:flex xl:w-auto xl:max-w-none xl:shadow-none",
          side === "left" ? "left-0" : "right-0",
          open ? "flex" : "hidden",
          className,
        )}
      >
        <div className="-mt-1 mb-2 flex justify-end xl:hidden">
          <button type="button" onClick={onClose} className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100" aria-label={closeLabel}>
            <span aria-hidden="true">✕</span>
          </button>
        </div>
        {children}
      </aside>
    </>
  );
}
