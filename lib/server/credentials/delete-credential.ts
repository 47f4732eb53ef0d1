import "server-only";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { ExpectedError } from "../errors";
import { requireOwned } from "../sharing/set-share";

/**
 * Deletes a credential (owner or admin). Refused (409) while a process references it, naming the processes the
 * user may see: a run of those would fail at the node.
 */
export async function deleteCredential(id: string, user: SessionUser): Promise<{ name: string }> {
  const { row } = await requireOwned("credential", id, user, "owner");
  const prisma = await db();
  // Node inputs hold { "credential": "<id>" }; ids are cuids, so a text search of the graph finds exactly those.
  const users = await prisma.$queryRaw<{ id: string; name: string }[]>`SELECT "id", "name" FROM "Process" WHERE "graph"::text LIKE ${`%"credential": "${id}"%`}`;
  if (users.length) throw new ExpectedError(409, "credentials.errors.inUse", { count: users.length, list: users.map((u) => u.name).sort().join(", ") });
  await prisma.$transaction(async (tx) => {
    await tx.credential.deleteMany({ where: { id } });
    await recordAudit(tx, { actor: user.username, action: "credential.delete", targetType: "credential", targetId: id, targetName: row.name, summary: { name: row.name } });
  });
  return { name: row.name };
}
