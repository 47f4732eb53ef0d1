"use client";

import { useEffect, useRef, type RefObject } from "react";

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

/** Canvas actions with a shortcut outside text fields (inside one, the field's own undo and copy apply). */
export interface CanvasKeys {
  undo: () => void;
  redo: () => void;
  copy: () => void;
  paste: () => void;
}

/** Text selected on the page is what Ctrl+C should copy, not the nodes. */
const hasTextSelection = () => (window.getSelection()?.toString() ?? "") !== "";

/**
 * The editor's keyboard shortcuts — Ctrl/⌘+S saves; "/" (outside a text field) or Ctrl/⌘+K focuses the plugin
 * search; outside text fields Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z and Ctrl/⌘+Y redo, Ctrl/⌘+C and +V copy and paste
 * the selected nodes (Delete/Backspace is the canvas's own) — and a warning before leaving with unsaved changes.
 */
export function useEditorKeys({ save, searchRef, dirty, canvas, onSearch }: { save: () => unknown; searchRef: RefObject<HTMLInputElement | null>; dirty: boolean; canvas: CanvasKeys; onSearch?: () => void }) {
  const saveRef = useRef(save);
  const canvasRef = useRef(canvas);
  const searchFn = useRef(onSearch);
  useEffect(() => {
    saveRef.current = save;
    canvasRef.current = canvas;
    searchFn.current = onSearch;
  }, [save, canvas, onSearch]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveRef.current();
      } else if ((mod && e.key.toLowerCase() === "k") || (e.key === "/" && !mod && !isTyping(e.target))) {
        e.preventDefault();
        if (searchFn.current) return searchFn.current();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (mod && !e.altKey && !isTyping(e.target)) {
        const key = e.key.toLowerCase();
        const action = key === "z" ? (e.shiftKey ? "redo" : "undo") : key === "y" ? "redo" : key === "c" && !hasTextSelection() ? "copy" : key === "v" ? "paste" : null;
        if (!action) return;
        e.preventDefault();
        canvasRef.current[action]();
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
