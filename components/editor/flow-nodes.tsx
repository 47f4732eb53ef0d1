"use client";

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { useTranslations } from "next-intl";
import { createContext, useContext } from "react";
import { Badge, cn } from "@/components/ui";
import type { NodeRunView } from "@/lib/server/processes/process-view";
import { RunStatusBadge } from "./run-status";

/** How the editor wants a plugin node shown (computed once per render of the editor, read by each node). */
export interface NodeDisplay {
  title: string;
  /** "code@version" */
  plugin: string;
  missing: boolean;
  /** Has problems that block saving or running (invalid inputs, not connected, bad references). */
  problem: boolean;
  status?: NodeRunView["status"];
}

export const NodeDisplayContext = createContext<Map<string, NodeDisplay>>(new Map());

const handle = "!size-3 !border-2 !border-white !bg-indigo-500";

export function StartNode({ selected }: NodeProps) {
  const t = useTranslations("editor");
  return (
    <div className={cn("rounded-full border-2 border-green-600 bg-green-50 px-5 py-2 text-sm font-semibold text-green-800 shadow-sm", selected && "ring-2 ring-indigo-500 ring-offset-2")}>
      {t("start")}
      <Handle type="source" position={Position.Right} className={handle} />
    </div>
  );
}

export function EndNode({ selected }: NodeProps) {
  const t = useTranslations("editor");
  return (
    <div className={cn("rounded-full border-2 border-zinc-700 bg-zinc-100 px-5 py-2 text-sm font-semibold text-zinc-800 shadow-sm", selected && "ring-2 ring-indigo-500 ring-offset-2")}>
      <Handle type="target" position={Position.Left} className={handle} />
      {t("end")}
    </div>
  );
}

export function PluginNode({ id, selected }: NodeProps) {
  const t = useTranslations("editor");
  const d = useContext(NodeDisplayContext).get(id);
  return (
    <div
      data-testid={`node-${id}`}
      className={cn(
        "w-52 rounded-md border bg-white px-3 py-2 text-left shadow-sm",
        d?.missing ? "border-red-400 bg-red-50" : d?.problem ? "border-amber-400" : "border-zinc-300",
        selected && "ring-2 ring-indigo-500 ring-offset-2",
      )}
    >
      <Handle type="target" position={Position.Left} className={handle} />
      <div className="flex items-start justify-between gap-2">
        <span className="min-w-0 text-sm leading-snug font-medium break-words text-zinc-900">{d?.title}</span>
        {/* A missing plugin cannot run: the last run's status (from an earlier generation) would contradict the badge. */}
        {d?.status && !d.missing && <RunStatusBadge status={d.status} />}
      </div>
      <div className="mt-0.5 flex items-center gap-1.5">
        <span className="min-w-0 truncate font-mono text-[11px] text-zinc-500" title={d?.plugin}>{d?.plugin}</span>
        {d?.missing && <Badge tone="red">{t("node.missing")}</Badge>}
        {!d?.missing && d?.problem && <Badge tone="amber">{t("node.problem")}</Badge>}
      </div>
      <Handle type="source" position={Position.Right} className={handle} />
    </div>
  );
}

export const nodeTypes = { start: StartNode, end: EndNode, plugin: PluginNode };
