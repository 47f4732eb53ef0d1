import "server-only";
import type { Prisma } from "@prisma/client";
import type { z } from "zod";
import { db } from "../../db";
import { saveBlockers, validateGraph } from "../../processes/validate-graph";
import type { ZProcessUpdate } from "../../validations/process";
import { recordAudit } from "../audit/record-audit";
import type { SessionUser } from "../auth/current-user";
import { checkCredentialRefs } from "../credentials/check-credential-refs";
import { ExpectedError, fieldError, isUniqueViolation, notFound } from "../errors";
import { getRuntime } from "../runtime/runtime";
import { getProcess } from "./get-process";
import { graphError } from "./graph-error";
import { processDiff } from "./process-audit";
import type { ProcessDetail } from "./process-view";

/**
 * Saves what changed (name, description, graph) if the process is still at the version the editor loaded; if
 * someone saved in between, nothing is written and the caller gets a 409 naming who. Only the owner, editors and
 * admins may save (a viewer gets 403). A graph must be well-formed and free of inputs that may never be stored
 * (typed secrets, oversized values, unknown keys), and every credential it references must be one the saver may
 * use; an unfinished draft (empty required inputs, nodes whose plugin the active generation lacks) is kept as it
 * is: that blocks running, not saving. Audited with a path-by-path diff.
 */
export async function saveProcess(id: string, input: z.output<typeof ZProcessUpdate>, user: SessionUser): Promise<ProcessDetail> {
  const before = await getProcess(id, user, "editor");
  if (input.graph) {
    const blockers = saveBlockers(validateGraph(input.graph, getRuntime().registry));
    if (blockers.length) throw graphError(blockers);
    await checkCredentialRefs(input.graph, user, before.graph);
  }
  const prisma = await db();
  let count = 0;
  try {
    await prisma.$transaction(async (tx) => {
      ({ count } = await tx.process.updateMany({
        where: { id, version: input.version },
        data: {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.graph ? { graph: input.graph as Prisma.InputJsonObject } : {}),
          version: { increment: 1 },
          updatedBy: user.username,
          updatedAt: new Date(),
        },
      }));
      if (!count) return;
      const after = { name: input.name ?? before.name, description: input.description ?? before.description, graph: input.graph ?? before.graph };
      const changes = processDiff(before, after);
      await recordAudit(tx, { actor: user.username, action: "process.edit", targetType: "process", targetId: id, targetName: after.name, summary: changes as Prisma.InputJsonValue });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("name", "editor.errors.nameTaken", { name: input.name ?? "" });
    throw err;
  }
  if (count === 0) {
    const current = await prisma.process.findUnique({ where: { id }, select: { updatedBy: true } });
    if (!current) throw notFound();
    throw new ExpectedError(409, "editor.errors.conflict", { user: current.updatedBy });
  }
  return getProcess(id, user);
}
