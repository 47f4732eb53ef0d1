import "server-only";
import type { Prisma } from "@prisma/client";
import { sql } from "../jobs/sql";

/** A node claimed for one attempt, with what executing it needs from its run. */
export interface ClaimedNode {
  code: string;
  version: string;
  spec: Prisma.JsonValue;
  upstream: string[];
  next: string[];
  retries: number;
  runStatus: "running" | "succeeded" | "failed" | "cancelled";
  generation: number | null;
  locale: string;
  actor: string;
  seed: Prisma.JsonValue | null;
  ownerId: string | null;
}

/**
 * Claims a node for attempt `attempt` on `instance` — only from queued, or running under an earlier attempt (its
 * instance stopped) — and returns it with its run, in one statement: this sits between two nodes of a run, so every
 * round trip saved is latency saved. Null when the node is done already (a duplicate delivery), cancelled, or gone.
 */
export async function claimNode(runId: string, nodeId: string, attempt: number, instance: string): Promise<ClaimedNode | null> {
  const rows = await (await sql()).query<ClaimedNode>(
    `UPDATE "ProcessRunNode" n SET "status" = 'running', "attempts" = $3, "instance" = $4,
       "startedAt" = (now() AT TIME ZONE 'UTC'), "finishedAt" = NULL, "error" = NULL
     FROM "ProcessRun" r JOIN "Process" p ON p."id" = r."processId"
     WHERE n."runId" = $1 AND n."nodeId" = $2 AND r."id" = n."runId"
       AND n."status" IN ('queued', 'running') AND n."attempts" < $3
     RETURNING n."code", n."version", n."spec", n."upstream", n."next", n."retries", r."status"::text AS "runStatus",
       r."generation", r."locale", r."actor", r."seed", p."ownerId"`,
    [runId, nodeId, attempt, instance],
  );
  return rows[0] ?? null;
}

export interface NodeOutcome {
  status: "succeeded" | "failed" | "cancelled" | "queued";
  inputs?: unknown;
  outputs?: unknown;
  logs?: string[];
  error: string | null;
  durationMs?: number;
}

/**
 * Records an attempt's outcome — only while the node is still running under that attempt (a write from an instance
 * taken for dead changes nothing). `queued`: back in the queue for the next attempt. True when it was recorded.
 */
export async function recordOutcome(runId: string, nodeId: string, attempt: number, o: NodeOutcome): Promise<boolean> {
  const json = (v: unknown) => (v === undefined ? undefined : v === null ? null : JSON.stringify(v));
  const rows = await (await sql()).query(
    `UPDATE "ProcessRunNode" SET "status" = $4::text::"NodeRunStatus", "error" = $5,
       "inputs" = COALESCE($6::jsonb, "inputs"), "outputs" = CASE WHEN $9 THEN $7::jsonb ELSE "outputs" END,
       "logs" = COALESCE($8::jsonb, "logs"), "durationMs" = COALESCE($10, "durationMs"),
       "finishedAt" = CASE WHEN $4::text = 'queued' THEN NULL ELSE (now() AT TIME ZONE 'UTC') END
     WHERE "runId" = $1 AND "nodeId" = $2 AND "attempts" = $3 AND "status" = 'running'
     RETURNING "id"`,
    [runId, nodeId, attempt, o.status, o.error, json(o.inputs) ?? null, json(o.outputs) ?? null, json(o.logs) ?? null, o.outputs !== undefined, o.durationMs ?? null],
  );
  return rows.length > 0;
}
