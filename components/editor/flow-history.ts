import type { FlowEdge, FlowNode } from "./flow-graph";

/** What undo restores: the graph's nodes and edges as they were before one user action. */
export interface FlowSnapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface FlowHistory {
  past: FlowSnapshot[];
  future: FlowSnapshot[];
  /** The kind of the last recorded action when consecutive ones of that kind merge (typing into one field). */
  lastKey?: string;
}

/** How many actions undo reaches back. */
export const HISTORY_LIMIT = 100;

export const emptyHistory: FlowHistory = { past: [], future: [] };

/**
 * Records the state before an action. An action with the same `key` as the one before it (e.g. keystrokes in the
 * same input) is merged with it: one undo step for one edit, not one per character. Redo is cleared.
 */
export function recordAction(h: FlowHistory, before: FlowSnapshot, key?: string): FlowHistory {
  if (key !== undefined && key === h.lastKey) return h.future.length ? { ...h, future: [] } : h;
  return { past: [...h.past, before].slice(-HISTORY_LIMIT), future: [], lastKey: key };
}

/** Steps back: the snapshot to show, and the history with `current` ready for redo; null when nothing to undo. */
export function undoAction(h: FlowHistory, current: FlowSnapshot): { history: FlowHistory; restore: FlowSnapshot } | null {
  const restore = h.past.at(-1);
  if (!restore) return null;
  return { history: { past: h.past.slice(0, -1), future: [...h.future, current] }, restore };
}

/** Steps forward again after an undo; null when nothing to redo. */
export function redoAction(h: FlowHistory, current: FlowSnapshot): { history: FlowHistory; restore: FlowSnapshot } | null {
  const restore = h.future.at(-1);
  if (!restore) return null;
  return { history: { past: [...h.past, current].slice(-HISTORY_LIMIT), future: h.future.slice(0, -1) }, restore };
}
