import "server-only";
import { db } from "../../db";
import { notFound } from "../errors";
import { toSourceView, type SourceView } from "./source-view";

/** Every source, by name, as views (no secrets). */
export async function findSources(): Promise<SourceView[]> {
  const rows = await (await db()).pluginSource.findMany({ orderBy: { name: "asc" }, include: { pluginSets: true } });
  return rows.map(toSourceView);
}

/** One source as a view; throws a 404 error if it does not exist. */
export async function getSourceById(id: string): Promise<SourceView> {
  const row = await (await db()).pluginSource.findUnique({ where: { id }, include: { pluginSets: true } });
  if (!row) throw notFound();
  return toSourceView(row);
}
