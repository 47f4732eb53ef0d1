import "server-only";
import { db } from "../../db";
import { notFound } from "../errors";
import { toUserView, USER_VIEW_SELECT, type UserView } from "./user-view";

export async function findUsers(): Promise<UserView[]> {
  const rows = await (await db()).user.findMany({ orderBy: { username: "asc" }, select: USER_VIEW_SELECT });
  return rows.map(toUserView);
}

/** One user; 404 when there is none with that id. */
export async function getUser(id: string): Promise<UserView> {
  const row = await (await db()).user.findUnique({ where: { id }, select: USER_VIEW_SELECT });
  if (!row) throw notFound();
  return toUserView(row);
}
