import "server-only";
import { db } from "../../db";
import type { SessionUser } from "../auth/current-user";
import { notFound } from "../errors";
import { requireAccess, type Access } from "../sharing/access";
import { toProcessDetail, type ProcessDetail } from "./process-view";

/** One process with its graph, for a user with `need` access (default: any); 404 when they may not see it. */
export async function getProcess(id: string, user: SessionUser, need: Access = "viewer"): Promise<ProcessDetail> {
  const row = await (await db()).process.findUnique({ where: { id }, include: { owner: { select: { username: true } }, shares: { select: { userId: true, role: true } } } });
  if (!row) throw notFound();
  return toProcessDetail(row, requireAccess(row, user, need));
}
