import "server-only";
import { db } from "../../db";
import type { TrustedKey } from "../../plugins/trust/signing-key";
import { notFound } from "../errors";
import { toSigningKeyView, toTrustedKey, type SigningKeyView } from "./signing-key-view";

export async function findSigningKeys(): Promise<SigningKeyView[]> {
  const prisma = await db();
  return (await prisma.signingKey.findMany({ orderBy: { name: "asc" } })).map(toSigningKeyView);
}

export async function getSigningKey(id: string): Promise<SigningKeyView> {
  const prisma = await db();
  const row = await prisma.signingKey.findUnique({ where: { id } });
  if (!row) throw notFound();
  return toSigningKeyView(row);
}

/** The allow-list as the sync's verifier takes it (read once per sync or Preview). */
export async function loadTrustedKeys(): Promise<TrustedKey[]> {
  const prisma = await db();
  return (await prisma.signingKey.findMany({ orderBy: { name: "asc" } })).map(toTrustedKey);
}
