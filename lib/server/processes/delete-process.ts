import "server-only";
import { db } from "../../db";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { requireOwned } from "../sharing/set-share";

/** Deletes a process and its runs (cascade): its owner or an admin only (editors and viewers get 403). */
export async function deleteProcess(id: string, user: SessionUser): Promise<{ name: string }> {
  const { row } = await requireOwned("process", id, user, "owner");
  await (await db()).$transaction(async (tx) => {
    await tx.process.deleteMany({ where: { id } });
    await recordAudit(tx, { actor: user.username, action: "process.delete", targetType: "process", targetId: id, targetName: row.name, summary: { name: row.name } });
  });
  return { name: row.name };
}
