"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useState, type ReactNode } from "react";

/**
 * Narrower than `xl` (1280 px), the navigation and the account controls behind one "Menu" button: a panel under the header
 * with the links in a column. It closes on Escape, on a click outside it and when the page changes.
 */
export function MobileMenu({ label, closeLabel, children }: { label: string; closeLabel: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const path = usePathname();
  const [shownFor, setShownFor] = useState(path);
  // A link followed: the next page starts with the menu closed.
  if (shownFor !== path) {
    setShownFor(path);
    setOpen(false);
  }

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <div className="ml-auto xl:hidden">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        aria-label={open ? closeLabel : label}
        onClick={() => setOpen((o) => !o)}
        className="flex h-10 items-center gap-2 rounded-md border border-zinc-200 px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-50"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
          {open ? <path d="M5 5l10 10M15 5L5 15" /> : <path d="M3 6h14M3 10h14M3 14h14" />}
        </svg>
        <span>{label}</span>
      </button>
      {open && <button type="button" tabIndex={-1} aria-hidden="true" className="fixed inset-0 top-14 z-30 cursor-default bg-zinc-900/20" onClick={() => setOpen(false)} />}
      {/* Rendered only while open: closed, the page holds one copy of each link and control (the wide row's). */}
      <div id={id} hidden={!open} className="absolute inset-x-0 top-14 z-40 max-h-[calc(100vh-3.5rem)] overflow-y-auto border-b border-zinc-200 bg-white px-4 pt-2 pb-4 shadow-lg" data-testid="mobile-menu">
        {open && children}
      </div>
    </div>
  );
}
