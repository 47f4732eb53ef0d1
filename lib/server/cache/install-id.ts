import "server-only";
import { db } from "../../db";

/** This install's id: one row made by the migration `…_install_id`, never changed afterwards. */
export async function getInstallId(): Promise<string> {
  const row = await (await db()).install.findUnique({ where: { id: 1 } });
  if (!row) throw new Error("the database has no install id (the Install row is missing); run the migrations again (npm run release)");
  return row.installId;
}
