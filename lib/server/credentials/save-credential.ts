import "server-only";
import type { z } from "zod";
import { db } from "../../db";
import { sealSecrets } from "../../secrets";
import type { ZCredentialCreate, ZCredentialUpdate } from "../../validations/credential";
import { diffViews, recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { fieldError, isUniqueViolation } from "../errors";
import { requireOwned } from "../sharing/set-share";
import { credentialInclude, toCredentialView, type CredentialView } from "./credential-view";

const nameTaken = (name: string) => fieldError("name", "credentials.errors.nameTaken", { name });

/** A new credential owned by its creator; the value is sealed (AES-256-GCM) before it reaches the database. */
export async function createCredential(input: z.output<typeof ZCredentialCreate>, user: SessionUser): Promise<CredentialView> {
  try {
    const row = await (await db()).$transaction(async (tx) => {
      const created = await tx.credential.create({
        data: { name: input.name, description: input.description, secret: sealSecrets({ value: input.value })!, ownerId: user.id, createdBy: user.username, updatedBy: user.username },
        include: credentialInclude,
      });
      await recordAudit(tx, { actor: user.username, action: "credential.create", targetType: "credential", targetId: created.id, targetName: created.name, summary: { name: created.name, description: created.description, value: "set" } });
      return created;
    });
    return toCredentialView(row, "owner");
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name);
    throw err;
  }
}

/** Renames, re-describes or replaces the value (blank value: kept) — owner, editors and admins. */
export async function updateCredential(id: string, input: z.output<typeof ZCredentialUpdate>, user: SessionUser): Promise<CredentialView> {
  const { access } = await requireOwned("credential", id, user, "editor");
  const prisma = await db();
  try {
    const row = await prisma.$transaction(async (tx) => {
      const before = await tx.credential.findUniqueOrThrow({ where: { id } });
      const value = input.value ? { secret: sealSecrets({ value: input.value })! } : {};
      const after = await tx.credential.update({
        where: { id },
        data: { ...(input.name !== undefined ? { name: input.name } : {}), ...(input.description !== undefined ? { description: input.description } : {}), ...value, updatedBy: user.username },
        include: credentialInclude,
      });
      const changes = { ...diffViews({ name: before.name, description: before.description }, { name: after.name, description: after.description }), ...(input.value ? { value: { from: "set", to: "changed" } } : {}) };
      await recordAudit(tx, { actor: user.username, action: "credential.edit", targetType: "credential", targetId: id, targetName: after.name, summary: changes });
      return after;
    });
    return toCredentialView(row, access);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(input.name ?? "");
    throw err;
  }
}
