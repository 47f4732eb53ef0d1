"use client";

import { useReactFlow, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useCallback, useMemo, useRef, useState, type Dispatch, type SetStateAction } from "react";
import { newNodeId } from "@/lib/processes/graph";
import { copySelection, pasteClipboard, type FlowClipboard } from "./flow-clipboard";
import { canConnect, edgeId, isPluginFlowNode, type FlowEdge, type FlowNode, type PluginNodeData } from "./flow-graph";
import type { FlowSnapshot } from "./flow-history";
import { insertEdges, insertionAnchor, tidyLayout } from "./flow-layout";
import { useFlowHistory } from "./use-flow-history";

/** How far a paste lands from what was copied (again for each further paste of the same copy). */
const PASTE_OFFSET = 40;
const FIT = { padding: 0.12, maxZoom: 1, minZoom: 0.1 } as const;

type Setters = {
  setNodes: Dispatch<SetStateAction<FlowNode[]>>;
  setEdges: Dispatch<SetStateAction<FlowEdge[]>>;
  applyNodeChanges: (changes: NodeChange<FlowNode>[]) => void;
  applyEdgeChanges: (changes: EdgeChange<FlowEdge>[]) => void;
  /** Called after every change of the graph (marks the process unsaved). */
  touch: () => void;
};

/**
 * Every change of the canvas's graph, each recorded for undo: adding a node (inserted into the chain after the
 * selected or last node, then laid out and fitted into view), connecting, deleting, moving, editing a node's data,
 * tidying up, copying and pasting.
 */
export function useCanvasEdits({ setNodes, setEdges, applyNodeChanges, applyEdgeChanges, touch }: Setters) {
  const rf = useReactFlow<FlowNode, FlowEdge>();
  // Bumped by undo and redo: forms holding a node's values start again from the restored ones.
  const [revision, setRevision] = useState(0);
  const current = useCallback((): FlowSnapshot => ({ nodes: rf.getNodes(), edges: rf.getEdges() }), [rf]);
  const restore = useCallback(
    (s: FlowSnapshot) => {
      setNodes(s.nodes);
      setEdges(s.edges);
      setRevision((r) => r + 1);
      touch();
    },
    [setNodes, setEdges, touch],
  );
  const history = useFlowHistory(current, restore);
  const { record } = history;
  const dragging = useRef(false);
  const clipboard = useRef<{ clip: FlowClipboard; pastes: number } | null>(null);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const moves = changes.filter((c) => c.type === "position");
      // One undo step per drag: the state before its first move.
      if (moves.some((c) => c.type === "position" && c.dragging) && !dragging.current) {
        dragging.current = true;
        record();
      }
      applyNodeChanges(changes);
      if (moves.some((c) => c.type === "position" && !c.dragging)) dragging.current = false;
      if (changes.some((c) => c.type === "remove" || c.type === "add" || (c.type === "position" && !c.dragging && c.position))) touch();
    },
    [applyNodeChanges, record, touch],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      applyEdgeChanges(changes);
      if (changes.some((c) => c.type === "remove" || c.type === "add")) touch();
    },
    [applyEdgeChanges, touch],
  );
  /** Every deletion (Delete key, the inspector's buttons) passes here first: a node and its edges are one step. */
  const onBeforeDelete = useCallback(async () => {
    record();
    return true;
  }, [record]);

  const connect = useCallback(
    (source: string, target: string) => {
      if (!canConnect(rf.getNodes(), rf.getEdges(), source, target)) return;
      record();
      setEdges((es) => [...es, { id: edgeId(source, target), source, target }]);
      touch();
    },
    [rf, record, setEdges, touch],
  );

  /** Adds a plugin node: at `at` when dropped there, else into the chain and laid out; then the view fits. */
  const add = useCallback(
    (data: PluginNodeData, at?: { x: number; y: number }) => {
      record();
      const all = rf.getNodes();
      const edges = rf.getEdges();
      const id = newNodeId(all.map((n) => n.id));
      const node: FlowNode = { id, type: "plugin", position: at ?? { x: 0, y: 0 }, data, selected: true };
      const nodes = [...all.map((n) => ({ ...n, selected: false })), node];
      if (at) {
        setNodes(nodes);
      } else {
        const next = insertEdges(all, edges, id, insertionAnchor(all, edges)?.id);
        setEdges(next);
        setNodes(tidyLayout(nodes, next));
      }
      touch();
      void rf.fitView(FIT);
    },
    [rf, record, setNodes, setEdges, touch],
  );

  const tidy = useCallback(() => {
    record();
    setNodes(tidyLayout(rf.getNodes(), rf.getEdges()));
    touch();
    void rf.fitView(FIT);
  }, [rf, record, setNodes, touch]);

  /** Changes one plugin node's data; edits with the same `mergeKey` in a row are one undo step. */
  const updateData = useCallback(
    (nodeId: string, change: (d: PluginNodeData) => PluginNodeData, mergeKey?: string) => {
      record(mergeKey);
      setNodes((ns) => ns.map((n) => (n.id === nodeId && isPluginFlowNode(n) ? { ...n, data: change(n.data) } : n)));
      touch();
    },
    [record, setNodes, touch],
  );

  const copy = useCallback(() => {
    const clip = copySelection(rf.getNodes(), rf.getEdges());
    if (clip) clipboard.current = { clip, pastes: 0 };
  }, [rf]);
  const paste = useCallback(() => {
    const held = clipboard.current;
    if (!held) return;
    held.pastes += 1;
    const all = rf.getNodes();
    const out = pasteClipboard(held.clip, all.map((n) => n.id), { x: PASTE_OFFSET * held.pastes, y: PASTE_OFFSET * held.pastes });
    record();
    setNodes([...all.map((n) => ({ ...n, selected: false })), ...out.nodes]);
    setEdges((es) => [...es.map((e) => ({ ...e, selected: false })), ...out.edges]);
    touch();
    void rf.fitView(FIT);
  }, [rf, record, setNodes, setEdges, touch]);

  const keys = useMemo(() => ({ undo: history.undo, redo: history.redo, copy, paste }), [history.undo, history.redo, copy, paste]);
  return { onNodesChange, onEdgesChange, onBeforeDelete, connect, add, tidy, updateData, copy, paste, history, keys, revision };
}
