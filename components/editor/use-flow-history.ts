"use client";

import { useCallback, useRef, useState } from "react";
import { emptyHistory, recordAction, redoAction, undoAction, type FlowHistory, type FlowSnapshot } from "./flow-history";

/**
 * Undo and redo for the canvas: `record` is called just before an action changes the graph (with a key for edits
 * that merge, such as typing into one node's inputs); `undo` / `redo` hand the snapshot to `restore`.
 */
export function useFlowHistory(current: () => FlowSnapshot, restore: (s: FlowSnapshot) => void) {
  // A ref, so several records within one event see each other; the state only re-renders the buttons.
  const ref = useRef<FlowHistory>(emptyHistory);
  const [state, setState] = useState<FlowHistory>(emptyHistory);
  const commit = useCallback((h: FlowHistory) => {
    ref.current = h;
    setState(h);
  }, []);

  const record = useCallback((key?: string) => commit(recordAction(ref.current, current(), key)), [commit, current]);
  const step = useCallback(
    (fn: typeof undoAction) => {
      const r = fn(ref.current, current());
      if (!r) return;
      commit(r.history);
      restore(r.restore);
    },
    [commit, current, restore],
  );
  const undo = useCallback(() => step(undoAction), [step]);
  const redo = useCallback(() => step(redoAction), [step]);
  return { record, undo, redo, canUndo: state.past.length > 0, canRedo: state.future.length > 0 };
}
