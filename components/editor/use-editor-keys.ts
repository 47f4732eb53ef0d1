"use client";

import { useEffect, useRef, type RefObject } from "react";

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

/**
 * The editor's keyboard shortcuts — Ctrl/⌘+S saves; "/" (outside a text field) or Ctrl/⌘+K focuses the plugin
 * search (Delete/Backspace is the canvas's own) — and a warning before leaving with unsaved changes.
 */
export function useEditorKeys({ save, searchRef, dirty }: { save: () => unknown; searchRef: RefObject<HTMLInputElement | null>; dirty: boolean }) {
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  }, [save]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveRef.current();
      } else if ((mod && e.key.toLowerCase() === "k") || (e.key === "/" && !mod && !isTyping(e.target))) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [searchRef]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
}
