import "server-only";
import { db } from "../../db";
import type { SessionUser } from "../auth/current-user";
import { notFound } from "../errors";
import { accessOf, requireAccess, visibleTo, type Access } from "../sharing/access";
import { credentialInclude, toCredentialView, type CredentialView } from "./credential-view";

/** The credentials the user may use (own, shared with them; admins: all), by name. */
export async function findCredentials(user: SessionUser): Promise<CredentialView[]> {
  const rows = await (await db()).credential.findMany({ where: visibleTo(user), orderBy: [{ name: "asc" }, { createdAt: "asc" }], include: credentialInclude });
  return rows.map((r) => toCredentialView(r, accessOf(r, user)!));
}

/** One credential for a user with `need` access; 404 when they may not see it. */
export async function getCredential(id: string, user: SessionUser, need: Access = "viewer"): Promise<CredentialView> {
  const row = await (await db()).credential.findUnique({ where: { id }, include: credentialInclude });
  if (!row) throw notFound();
  return toCredentialView(row, requireAccess(row, user, need));
}
