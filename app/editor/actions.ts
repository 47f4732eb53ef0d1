"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/server/safe";
import { createProcess } from "@/lib/server/processes/create-process";
import { deleteProcess } from "@/lib/server/processes/delete-process";
import { saveProcess } from "@/lib/server/processes/save-process";
import { startProcessRun } from "@/lib/server/processes/start-process-run";
import { ZProcessCreate, ZProcessId, ZProcessUpdate, ZRunRequest } from "@/lib/validations/process";

// Members and admins alike ("member" = any signed-in user); anonymous callers get 401.

export const createProcessAction = action("member", ZProcessCreate, async (input, user) => {
  const process = await createProcess(input, user.username);
  revalidatePath("/editor");
  return { id: process.id };
});

/** Bound to the process id: `saveProcessAction.bind(null, id)`. */
export async function saveProcessAction(id: string, raw: unknown) {
  return action("member", ZProcessUpdate, async (input, user) => {
    const process = await saveProcess(String(id), input, user.username);
    revalidatePath("/editor");
    return process;
  })(raw);
}

export const deleteProcessAction = action("member", ZProcessId, async (id) => {
  const result = await deleteProcess(id);
  revalidatePath("/editor");
  return result;
});

/** Bound to the process id; `{ nodeId }` runs one node ("Test node"). */
export async function startRunAction(id: string, raw: unknown) {
  return action("member", ZRunRequest, async (input, user) => {
    const { runId } = await startProcessRun(String(id), input, user.username);
    return { runId };
  })(raw);
}
