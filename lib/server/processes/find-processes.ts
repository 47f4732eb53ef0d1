import "server-only";
import { db } from "../../db";
import { toProcessSummary, type ProcessSummary } from "./process-view";

/** Every process, by name, with its last run. */
export async function findProcesses(): Promise<ProcessSummary[]> {
  const rows = await (await db()).process.findMany({
    orderBy: { name: "asc" },
    include: { runs: { orderBy: { startedAt: "desc" }, take: 1 } },
  });
  return rows.map(toProcessSummary);
}
