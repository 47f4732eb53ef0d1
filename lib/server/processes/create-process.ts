import "server-only";
import type { Prisma } from "@prisma/client";
import { db } from "../../db";
import { emptyGraph } from "../../processes/graph";
import type { TProcessCreate } from "../../validations/process";
import { fieldError, isUniqueViolation } from "../errors";
import { toProcessDetail, type ProcessDetail } from "./process-view";

/** A new process with Start and End nodes; a taken name is a field error. */
export async function createProcess(input: Required<TProcessCreate>, actor: string): Promise<ProcessDetail> {
  try {
    const row = await (await db()).process.create({
      data: { name: input.name, description: input.description, graph: emptyGraph() as Prisma.InputJsonObject, createdBy: actor, updatedBy: actor },
    });
    return toProcessDetail(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("name", "editor.errors.nameTaken", { name: input.name });
    throw err;
  }
}
