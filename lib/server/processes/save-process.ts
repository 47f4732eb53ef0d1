import "server-only";
import type { Prisma } from "@prisma/client";
import type { z } from "zod";
import { db } from "../../db";
import { saveBlockers, validateGraph } from "../../processes/validate-graph";
import type { ZProcessUpdate } from "../../validations/process";
import { ExpectedError, fieldError, isUniqueViolation, notFound } from "../errors";
import { getRuntime } from "../runtime/runtime";
import { getProcess } from "./get-process";
import { graphError } from "./graph-error";
import type { ProcessDetail } from "./process-view";

/**
 * Saves what changed (name, description, graph) if the process is still at the version the editor loaded; if
 * someone saved in between, nothing is written and the caller gets a 409 naming who. A graph must be well-formed
 * and its inputs valid (or references) for the plugins the active generation has; nodes whose plugin it lacks are
 * kept as they are (they block running, not saving).
 */
export async function saveProcess(id: string, input: z.output<typeof ZProcessUpdate>, actor: string): Promise<ProcessDetail> {
  if (input.graph) {
    const blockers = saveBlockers(validateGraph(input.graph, getRuntime().registry));
    if (blockers.length) throw graphError(blockers);
  }
  const prisma = await db();
  let count: number;
  try {
    ({ count } = await prisma.process.updateMany({
      where: { id, version: input.version },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.graph ? { graph: input.graph as Prisma.InputJsonObject } : {}),
        version: { increment: 1 },
        updatedBy: actor,
        updatedAt: new Date(),
      },
    }));
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("name", "editor.errors.nameTaken", { name: input.name ?? "" });
    throw err;
  }
  if (count === 0) {
    const current = await prisma.process.findUnique({ where: { id }, select: { updatedBy: true } });
    if (!current) throw notFound();
    throw new ExpectedError(409, "editor.errors.conflict", { user: current.updatedBy });
  }
  return getProcess(id);
}
