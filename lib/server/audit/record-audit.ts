import "server-only";
import type { Prisma } from "@prisma/client";

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: "source" | "cache" | "user" | "session";
  targetId?: string | null;
  targetName?: string | null;
  /** What changed. Callers pass views (never raw input), so no secret value can reach this. */
  summary: Prisma.InputJsonValue;
}

/** Records an audit event inside the caller's transaction, so a change and its record land together. */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({ data: { ...entry, targetId: entry.targetId ?? null, targetName: entry.targetName ?? null } });
}

/** Field-by-field difference of two plain views: { field: { from, to } } for fields that changed. */
export function diffViews(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return out;
}
