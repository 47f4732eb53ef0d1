import "server-only";
import type { Prisma } from "@prisma/client";

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: "source" | "cache" | "user" | "session" | "generation" | "process" | "credential" | "signing_key";
  targetId?: string | null;
  targetName?: string | null;
  /** What changed. Callers pass views (never raw input), so no secret value can reach this. */
  summary: Prisma.InputJsonValue;
}

/** Records an audit event inside the caller's transaction, so a change and its record land together. */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({ data: { ...entry, targetId: entry.targetId ?? null, targetName: entry.targetName ?? null } });
}

/**
 * Flattens a view into dotted paths with scalar values, for audit summaries a human can read:
 * `settings.ref`, `pluginSets.custom_plugins.version`. Lists of rows with a `submodule` are keyed by it;
 * lists of scalars become one comma-separated value.
 */
export function flattenForAudit(value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== "object" || v === null)) out[prefix] = value.join(", ");
    else value.forEach((v, i) => flattenForAudit(v, `${prefix}.${(v as { submodule?: string })?.submodule ?? i}`, out));
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) flattenForAudit(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/** Path-by-path difference of two views: { "settings.ref": { from, to } } for what changed. */
export function diffViews(before: object, after: object): Record<string, { from: unknown; to: unknown }> {
  const a = flattenForAudit(before);
  const b = flattenForAudit(after);
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] !== b[key]) out[key] = { from: a[key] ?? null, to: b[key] ?? null };
  }
  return out;
}
