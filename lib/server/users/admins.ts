import "server-only";
import type { Prisma } from "@prisma/client";
import { ExpectedError } from "../errors";

// One change to the set of admins at a time, across processes: two admins demoting each other at once would
// both see "another admin remains" and leave none.
const LOCK_KEY = 72_917_003; // arbitrary, constant: "opsflow admins" (the migrator uses 72_917_001, the sources file 72_917_002)

/**
 * Call first in a transaction that may demote or delete an admin; then `assertAdminRemains` before it commits.
 * The lock is held until the transaction ends.
 */
export async function lockAdmins(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
}

/** 409 unless at least one admin is left (the change is rolled back with the transaction). */
export async function assertAdminRemains(tx: Prisma.TransactionClient): Promise<void> {
  if ((await tx.user.count({ where: { role: "admin" } })) === 0) throw new ExpectedError(409, "errors.lastAdmin");
}
