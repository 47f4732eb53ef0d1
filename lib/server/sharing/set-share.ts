import "server-only";
import { db } from "../../db";
import type { TShareInput } from "../../validations/sharing";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { fieldError, notFound } from "../errors";
import { requireAccess } from "./access";

export type SharedKind = "process" | "credential";

export interface ShareView {
  userId: string;
  username: string;
  role: "viewer" | "editor";
}

/**
 * Shares a process or credential with a user as viewer or editor, or takes the share away (`none`). Only the owner
 * and admins may; the change is audited with the thing's name, the user and the role.
 */
export async function setShare(kind: SharedKind, id: string, input: { username: string; role: TShareInput["role"] }, user: SessionUser): Promise<ShareView[]> {
  const prisma = await db();
  const row = await loadOwned(kind, id);
  requireAccess(row, user, "owner");
  const target = await prisma.user.findUnique({ where: { username: input.username }, select: { id: true, username: true } });
  if (!target) throw fieldError("username", "sharing.errors.noSuchUser", { name: input.username });
  if (target.id === row!.ownerId) throw fieldError("username", "sharing.errors.owner", { name: target.username });
  await prisma.$transaction(async (tx) => {
    const where = { userId: target.id, ...(kind === "process" ? { processId: id } : { credentialId: id }) };
    if (kind === "process") {
      if (input.role === "none") await tx.processShare.deleteMany({ where });
      else await tx.processShare.upsert({ where: { processId_userId: { processId: id, userId: target.id } }, create: { processId: id, userId: target.id, role: input.role }, update: { role: input.role } });
    } else {
      if (input.role === "none") await tx.credentialShare.deleteMany({ where });
      else await tx.credentialShare.upsert({ where: { credentialId_userId: { credentialId: id, userId: target.id } }, create: { credentialId: id, userId: target.id, role: input.role }, update: { role: input.role } });
    }
    await recordAudit(tx, { actor: user.username, action: `${kind}.share`, targetType: kind, targetId: id, targetName: row!.name, summary: { user: target.username, role: input.role } });
  });
  return findShares(kind, id);
}

/** Who a process or credential is shared with, by username. */
export async function findShares(kind: SharedKind, id: string): Promise<ShareView[]> {
  const prisma = await db();
  const select = { userId: true, role: true, user: { select: { username: true } } } as const;
  const rows = kind === "process" ? await prisma.processShare.findMany({ where: { processId: id }, select }) : await prisma.credentialShare.findMany({ where: { credentialId: id }, select });
  return rows.map((r) => ({ userId: r.userId, username: r.user.username, role: r.role })).sort((a, b) => a.username.localeCompare(b.username));
}

/** The owner, shares and name of a process or credential; null when it does not exist. */
export async function loadOwned(kind: SharedKind, id: string) {
  const prisma = await db();
  const select = { name: true, ownerId: true, shares: { select: { userId: true, role: true } } } as const;
  return kind === "process" ? prisma.process.findUnique({ where: { id }, select }) : prisma.credential.findUnique({ where: { id }, select });
}

/** Reads it for `user` with `need` access (404 / 403 otherwise). */
export async function requireOwned(kind: SharedKind, id: string, user: SessionUser, need: Parameters<typeof requireAccess>[2]) {
  const row = await loadOwned(kind, id);
  if (!row) throw notFound();
  return { row, access: requireAccess(row, user, need) };
}
