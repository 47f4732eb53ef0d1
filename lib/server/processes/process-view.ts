import "server-only";
import type { Process, ProcessRun, ProcessRunNode } from "@prisma/client";
import { isPluginNode, ZGraph, type Graph } from "../../processes/graph";
import type { Access } from "../sharing/access";

/** A process in the list. */
export interface ProcessSummary {
  id: string;
  name: string;
  description: string;
  version: number;
  /** Plugin nodes. */
  nodes: number;
  updatedBy: string;
  updatedAt: string;
  lastRun: { id: string; status: ProcessRun["status"]; startedAt: string } | null;
  /** The owner's username (null: the owner was deleted; admins only). */
  owner: string | null;
  /** What the reader may do: owner (also admins), editor or viewer. */
  access: Access;
}

/** A process as the editor loads it. */
export interface ProcessDetail extends Omit<ProcessSummary, "nodes" | "lastRun"> {
  graph: Graph;
  createdBy: string;
  createdAt: string;
}

export interface NodeRunView {
  nodeId: string;
  code: string;
  version: string;
  status: ProcessRunNode["status"];
  /** As the plugin received them; secret inputs masked. */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  logs: string[];
  error: string | null;
  durationMs: number | null;
  /** Attempts started (more than 1: retried) and the instance that ran the last one. */
  attempts: number;
  instance: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ProcessRunView {
  id: string;
  processId: string;
  status: ProcessRun["status"];
  /** The plugin generation the run used from start to end (null: built-ins only). */
  generation: number | null;
  actor: string;
  /** Set for a "Test node" run. */
  onlyNode: string | null;
  /** The run this one repeated. */
  rerunOf: string | null;
  cancelledBy: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  nodes: NodeRunView[];
}

/** The stored graph; a row written outside the app that does not parse is an error, not an empty process. */
export const graphOf = (row: Pick<Process, "graph">): Graph => ZGraph.parse(row.graph);

type Owned = { owner?: { username: string } | null };

export function toProcessSummary(row: Process & Owned & { runs?: ProcessRun[] }, access: Access): ProcessSummary {
  const last = row.runs?.[0];
  const graph = ZGraph.safeParse(row.graph);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    nodes: graph.success ? graph.data.nodes.filter(isPluginNode).length : 0,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
    lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt.toISOString() } : null,
    owner: row.owner?.username ?? null,
    access,
  };
}

export function toProcessDetail(row: Process & Owned, access: Access): ProcessDetail {
  return {
    owner: row.owner?.username ?? null,
    access,
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    graph: graphOf(row),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toRunView(run: ProcessRun & { nodes: ProcessRunNode[] }): ProcessRunView {
  return {
    id: run.id,
    processId: run.processId,
    status: run.status,
    generation: run.generation,
    actor: run.actor,
    onlyNode: run.onlyNode,
    rerunOf: run.rerunOf,
    cancelledBy: run.cancelledBy,
    error: run.error,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    nodes: [...run.nodes]
      .sort((a, b) => a.position - b.position)
      .map((n) => ({
        nodeId: n.nodeId,
        code: n.code,
        version: n.version,
        status: n.status,
        inputs: (n.inputs ?? {}) as Record<string, unknown>,
        outputs: (n.outputs ?? null) as Record<string, unknown> | null,
        logs: Array.isArray(n.logs) ? (n.logs as string[]) : [],
        error: n.error,
        durationMs: n.durationMs,
        attempts: n.attempts,
        instance: n.instance,
        startedAt: n.startedAt?.toISOString() ?? null,
        finishedAt: n.finishedAt?.toISOString() ?? null,
      })),
  };
}
