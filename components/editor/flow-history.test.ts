import { describe, expect, it } from "vitest";
import type { FlowNode } from "./flow-graph";
import { emptyHistory, HISTORY_LIMIT, recordAction, redoAction, undoAction, type FlowSnapshot } from "./flow-history";

const snap = (...ids: string[]): FlowSnapshot => ({ nodes: ids.map((id): FlowNode => ({ id, type: "plugin", position: { x: 0, y: 0 }, data: { code: "c", version: "1", inputs: {} } })), edges: [] });
const ids = (s: FlowSnapshot | undefined) => s?.nodes.map((n) => n.id);

describe("editor history", () => {
  it("undo restores the state before each action, redo replays it, a new action clears redo", () => {
    let h = recordAction(emptyHistory, snap("a"));
    h = recordAction(h, snap("a", "b"));
    const u1 = undoAction(h, snap("a", "b", "c"))!;
    expect(ids(u1.restore)).toEqual(["a", "b"]);
    const u2 = undoAction(u1.history, u1.restore)!;
    expect(ids(u2.restore)).toEqual(["a"]);
    expect(undoAction(u2.history, u2.restore)).toBeNull();
    const r1 = redoAction(u2.history, u2.restore)!;
    expect(ids(r1.restore)).toEqual(["a", "b"]);
    const after = recordAction(r1.history, r1.restore);
    expect(redoAction(after, snap("x"))).toBeNull();
    expect(ids(undoAction(after, snap("x"))!.restore)).toEqual(["a", "b"]);
  });

  it("consecutive edits of one field are one step; another action starts a new one", () => {
    let h = recordAction(emptyHistory, snap("typed-0"), "inputs:n1");
    h = recordAction(h, snap("typed-1"), "inputs:n1");
    h = recordAction(h, snap("typed-2"), "inputs:n1");
    expect(h.past.map(ids)).toEqual([["typed-0"]]);
    h = recordAction(h, snap("moved"));
    h = recordAction(h, snap("typed-3"), "inputs:n1");
    expect(h.past.map(ids)).toEqual([["typed-0"], ["moved"], ["typed-3"]]);
  });

  it(`keeps the last ${HISTORY_LIMIT} steps`, () => {
    let h = emptyHistory;
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) h = recordAction(h, snap(String(i)));
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(ids(h.past[0])).toEqual(["5"]);
  });
});
