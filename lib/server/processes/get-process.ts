import "server-only";
import { db } from "../../db";
import { notFound } from "../errors";
import { toProcessDetail, type ProcessDetail } from "./process-view";

/** One process with its graph; 404 when it does not exist. */
export async function getProcess(id: string): Promise<ProcessDetail> {
  const row = await (await db()).process.findUnique({ where: { id } });
  if (!row) throw notFound();
  return toProcessDetail(row);
}
