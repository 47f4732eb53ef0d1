import "server-only";
import { z } from "zod";
import { db } from "../../db";

/** The kinds of target audit events are recorded for: the audit page's filter offers these. */
export const AUDIT_TARGET_TYPES = ["source", "cache", "user", "generation", "process", "credential", "signing_key"] as const;

export const ZAuditFilter = z.object({
  targetType: z.enum(AUDIT_TARGET_TYPES).optional().catch(undefined),
  target: z.string().trim().max(64).optional().catch(undefined),
  take: z.coerce.number().int().min(1).max(500).default(200).catch(200),
});
export type TAuditFilter = z.input<typeof ZAuditFilter>;

export interface AuditEventView {
  id: string;
  actor: string;
  action: string;
  targetType: string;
  targetName: string | null;
  summary: unknown;
  createdAt: string;
}

/** Audit events, newest first, optionally for one target type and/or target name (substring, any case). */
export async function findAuditEvents(filter: TAuditFilter = {}): Promise<AuditEventView[]> {
  const f = ZAuditFilter.parse(filter);
  const rows = await (await db()).auditEvent.findMany({
    where: {
      ...(f.targetType ? { targetType: f.targetType } : {}),
      ...(f.target ? { targetName: { contains: f.target, mode: "insensitive" as const } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: f.take,
  });
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
