import "server-only";
import { db } from "../../db";
import type { SessionUser } from "../auth/current-user";
import { accessOf, visibleTo } from "../sharing/access";
import { toProcessSummary, type ProcessSummary } from "./process-view";

/** The processes the user may see (own, shared with them; admins: all), by name, with their last run. */
export async function findProcesses(user: SessionUser): Promise<ProcessSummary[]> {
  const rows = await (await db()).process.findMany({
    where: visibleTo(user),
    orderBy: [{ name: "asc" }, { createdAt: "asc" }],
    include: { runs: { orderBy: { startedAt: "desc" }, take: 1 }, owner: { select: { username: true } }, shares: { select: { userId: true, role: true } } },
  });
  return rows.map((r) => toProcessSummary(r, accessOf(r, user)!));
}
