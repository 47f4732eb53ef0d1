import "server-only";
import { db } from "../../db";
import { notFound } from "../errors";
import type { ActivationBlock } from "./activation-policy";

export interface SyncRunView {
  id: string;
  trigger: string;
  actor: string;
  status: "running" | "succeeded" | "partial" | "failed" | "unchanged";
  dryRun: boolean;
  onlySources: string[];
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  generation: { id: number; status: string; plugins: number; sets: number; problems: number } | null;
  /** The sources whose activation policy kept the run's generation inactive (sync/activation-policy.ts). */
  notActivated?: ActivationBlock[];
}

export interface SyncRunDetail extends SyncRunView {
  results: { sourceName: string; kind: string; status: string; revision: string | null; durationMs: number; bytes: number; files: number; error: string | null; sets: unknown; signer: { name: string; fingerprint: string } | null }[];
  /** `key` + `params` render the line in the reader's language; `message` is its English (all that older rows have). */
  logs: { id: number; at: string; level: string; source: string | null; message: string; key: string | null; params: unknown }[];
}

type Row = Awaited<ReturnType<Awaited<ReturnType<typeof db>>["syncRun"]["findFirstOrThrow"]>> & {
  generation: { id: number; status: string; plugins: number; sets: number; problems: number } | null;
};

const toView = (r: Row): SyncRunView => ({
  id: r.id,
  trigger: r.trigger,
  actor: r.actor,
  status: r.status,
  dryRun: r.dryRun,
  onlySources: r.onlySources,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  error: r.error,
  generation: r.generation ? { id: r.generation.id, status: r.generation.status, plugins: r.generation.plugins, sets: r.generation.sets, problems: r.generation.problems } : null,
  notActivated: Array.isArray(r.notActivated) ? (r.notActivated as unknown as ActivationBlock[]) : [],
});

/** Newest runs first. */
export async function findSyncRuns(take = 50): Promise<SyncRunView[]> {
  const rows = await (await db()).syncRun.findMany({ orderBy: { startedAt: "desc" }, take, include: { generation: true } });
  return rows.map(toView);
}

/** One run with its per-source results and the log lines after `afterLogId` (for live polling). */
export async function getSyncRun(id: string, afterLogId = 0): Promise<SyncRunDetail> {
  const prisma = await db();
  const run = await prisma.syncRun.findUnique({
    where: { id },
    include: {
      generation: true,
      results: { orderBy: { position: "asc" } },
      logs: { where: { id: { gt: afterLogId } }, orderBy: { id: "asc" }, take: 2000 },
    },
  });
  if (!run) throw notFound();
  return {
    ...toView(run),
    results: run.results.map((r) => ({ sourceName: r.sourceName, kind: r.kind, status: r.status, revision: r.revision, durationMs: r.durationMs, bytes: r.bytes, files: r.files, error: r.error, sets: r.sets, signer: (r.signer as { name: string; fingerprint: string } | null) ?? null })),
    logs: run.logs.map((l) => ({ id: l.id, at: l.at.toISOString(), level: l.level, source: l.source, message: l.message, key: l.key, params: l.params })),
  };
}

/** Why a run failed as a whole (the cache unreachable or another install's, a source named that is not enabled…); null if not. */
export async function findRunError(id: string): Promise<string | null> {
  return (await (await db()).syncRun.findUnique({ where: { id }, select: { error: true } }))?.error ?? null;
}

/** The last finished run per source name (for the sources list's "last sync" column). */
export async function findLastSyncBySource(names?: string[]): Promise<Map<string, { status: string; at: string; error: string | null }>> {
  const prisma = await db();
  const rows = await prisma.syncSourceResult.findMany({
    where: { run: { dryRun: false, finishedAt: { not: null } }, ...(names ? { sourceName: { in: names } } : {}) },
    orderBy: { run: { startedAt: "desc" } },
    distinct: ["sourceName"],
    include: { run: { select: { finishedAt: true } } },
  });
  return new Map(rows.map((r) => [r.sourceName, { status: r.status, at: r.run.finishedAt!.toISOString(), error: r.error }]));
}
