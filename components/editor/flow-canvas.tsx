"use client";

import { Background, Controls, MarkerType, Panel, ReactFlow, useReactFlow, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useTranslations } from "next-intl";
import { Button } from "@/components/ui";
import { useMemo, useSyncExternalStore, type DragEvent, type RefObject } from "react";
import { canConnect, type FlowEdge, type FlowNode } from "./flow-graph";
import { NodeDisplayContext, nodeTypes, type NodeDisplay } from "./flow-nodes";
import { PLUGIN_DRAG_TYPE } from "./node-picker";
import { useFlowLabels } from "./use-flow-labels";

/**
 * The canvas: Start/End/plugin nodes and their connections; drag to move, drag from a node's right handle to
 * another's left handle to connect (no loops, nothing into Start or out of End), Delete/Backspace removes the
 * selection, zoom with the wheel or the controls. Plugins can be dropped onto it from the picker. Its bar has undo,
 * redo and "Tidy up" (lay everything out left to right).
 *
 * The graph itself is drawn in the browser only: React Flow positions everything with inline styles, which server
 * HTML would carry as style attributes — refused by the Content-Security-Policy (no 'unsafe-inline' for styles) —
 * while styles React sets in the browser are not. The frame is server-rendered, so the page does not jump.
 */
export function FlowCanvas({
  canvasRef,
  nodes: canvasNodes,
  edges: canvasEdges,
  display,
  titleOf,
  onNodesChange,
  onEdgesChange,
  onConnect,
  onBeforeDelete,
  onDropPlugin,
  history,
  readOnly,
}: {
  canvasRef: RefObject<HTMLDivElement | null>;
  nodes: FlowNode[];
  edges: FlowEdge[];
  display: Map<string, NodeDisplay>;
  titleOf: (nodeId: string) => string;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect: (source: string, target: string) => void;
  onBeforeDelete: () => Promise<boolean>;
  onDropPlugin: (code: string, version: string, at: { x: number; y: number }) => void;
  history: { undo: () => void; redo: () => void; canUndo: boolean; canRedo: boolean; tidy: () => void };
  readOnly: boolean;
}) {
  const t = useTranslations("editor");
  const rf = useReactFlow<FlowNode, FlowEdge>();
  const labels = useFlowLabels();
  // Screen-reader names in the interface language (the library's default is "Edge from <id> to <id>").
  const nodes = useMemo(() => canvasNodes.map((n) => ({ ...n, ariaLabel: titleOf(n.id) })), [canvasNodes, titleOf]);
  const edges = useMemo(
    () => canvasEdges.map((e) => ({ ...e, ariaLabel: t("edgeLabel", { from: titleOf(e.source), to: titleOf(e.target) }) })),
    [canvasEdges, titleOf, t],
  );

  const onDrop = (e: DragEvent) => {
    const raw = e.dataTransfer.getData(PLUGIN_DRAG_TYPE);
    if (!raw) return;
    e.preventDefault();
    const { code, version } = JSON.parse(raw) as { code: string; version: string };
    onDropPlugin(code, version, rf.screenToFlowPosition({ x: e.clientX - 104, y: e.clientY - 24 }));
  };

  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  return (
    <div ref={canvasRef} role="region" aria-label={t("canvasLabel")} className="h-[70vh] min-h-96 xl:h-[640px] rounded-md border border-zinc-200 bg-white" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <NodeDisplayContext.Provider value={display}>
        {inBrowser && <ReactFlow<FlowNode, FlowEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={(c) => onConnect(c.source, c.target)}
          onBeforeDelete={onBeforeDelete}
          isValidConnection={(c) => canConnect(rf.getNodes(), rf.getEdges(), c.source, c.target)}
          deleteKeyCode={["Backspace", "Delete"]}
          defaultEdgeOptions={{ markerEnd: { type: MarkerType.ArrowClosed } }}
          ariaLabelConfig={labels}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.12 }}
          // Far enough out that a long process still fits the canvas (the library's default stops at 0.5).
          minZoom={0.1}
        >
          <Background gap={16} />
          <Controls showInteractive={false} />
          {!readOnly && (
            <Panel position="top-right" className="flex gap-1 rounded-md border border-zinc-200 bg-white/90 p-1 shadow-sm">
              <Button size="sm" variant="ghost" disabled={!history.canUndo} onClick={history.undo} aria-keyshortcuts="Control+Z">{t("undo")}</Button>
              <Button size="sm" variant="ghost" disabled={!history.canRedo} onClick={history.redo} aria-keyshortcuts="Control+Shift+Z Control+Y">{t("redo")}</Button>
              <Button size="sm" variant="ghost" onClick={history.tidy}>{t("tidy")}</Button>
            </Panel>
          )}
        </ReactFlow>}
      </NodeDisplayContext.Provider>
    </div>
  );
}

/** Nothing to subscribe to: the snapshot differs between server (false) and browser (true) only. */
const noSubscription = () => () => undefined;
