import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { emptyGraph } from "../../processes/graph";
import type { TProcessCreate } from "../../validations/process";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { ExpectedError, fieldError, isUniqueViolation } from "../errors";
import { runSettings } from "../jobs/run-settings";
import { toProcessDetail, type ProcessDetail } from "./process-view";

/**
 * A new process with Start and End nodes, owned by its creator; a name the creator already uses is a field error.
 * A user owns at most PROCESS_MAX_PER_USER processes (checked in the same transaction as the insert).
 */
export async function createProcess(input: Required<TProcessCreate>, user: SessionUser): Promise<ProcessDetail> {
  const max = runSettings().maxProcessesPerUser;
  try {
    const row = await (await db()).$transaction(async (tx) => {
      // Serialises one user's creations, so two at once cannot both pass the cap.
      await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${user.id} FOR UPDATE`;
      if ((await tx.process.count({ where: { ownerId: user.id } })) >= max) throw new ExpectedError(409, "errors.processLimit", { max });
      const created = await tx.process.create({
        data: { name: input.name, description: input.description, graph: emptyGraph() as Prisma.InputJsonObject, ownerId: user.id, createdBy: user.username, updatedBy: user.username },
        include: { owner: { select: { username: true } } },
      });
      await recordAudit(tx, { actor: user.username, action: "process.create", targetType: "process", targetId: created.id, targetName: created.name, summary: { name: created.name, description: created.description } });
      return created;
    });
    return toProcessDetail(row, "owner");
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("name", "editor.errors.nameTaken", { name: input.name });
    throw err;
  }
}
