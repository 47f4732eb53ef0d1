import "server-only";
import type { ShareRole } from "@prisma/client";
import type { SessionUser } from "../auth/current-user";
import { ExpectedError, notFound } from "../errors";

/**
 * Who may do what with an owned thing (a process, a credential). The owner and admins may do everything (edit,
 * delete, share); a user it is shared with as `editor` may change it, as `viewer` only read it (a credential: use
 * it in their processes); anyone else gets 404, exactly as for something that does not exist.
 */

export type Access = "owner" | ShareRole;
const RANK: Record<Access, number> = { viewer: 1, editor: 2, owner: 3 };

export interface Owned {
  ownerId: string | null;
  shares: { userId: string; role: ShareRole }[];
}

export function accessOf(row: Owned, user: Pick<SessionUser, "id" | "role">): Access | null {
  if (user.role === "admin" || (row.ownerId !== null && row.ownerId === user.id)) return "owner";
  return row.shares.find((s) => s.userId === user.id)?.role ?? null;
}

/** Throws 404 when the user may not see it at all, 403 when they may see it but not do `need`. */
export function requireAccess(row: Owned | null, user: Pick<SessionUser, "id" | "role">, need: Access): Access {
  const access = row ? accessOf(row, user) : null;
  if (!access) throw notFound();
  if (RANK[access] < RANK[need]) throw new ExpectedError(403, "sharing.notAllowed", { role: access });
  return access;
}

export const allows = (access: Access, need: Access) => RANK[access] >= RANK[need];

/** A Prisma `where` for the rows the user may see (processes and credentials have the same shape). */
export function visibleTo(user: Pick<SessionUser, "id" | "role">) {
  return user.role === "admin" ? {} : { OR: [{ ownerId: user.id }, { shares: { some: { userId: user.id } } }] };
}
