"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/lib/server/safe";
import { createProcess } from "@/lib/server/processes/create-process";
import { deleteProcess } from "@/lib/server/processes/delete-process";
import { saveProcess } from "@/lib/server/processes/save-process";
import { startProcessRun } from "@/lib/server/processes/start-process-run";
import { cancelProcessRun } from "@/lib/server/processes/cancel-process-run";
import { setShare } from "@/lib/server/sharing/set-share";
import { ZProcessCreate, ZProcessId, ZProcessUpdate, ZRunRequest } from "@/lib/validations/process";
import { ZShareInput } from "@/lib/validations/sharing";

// Any signed-in user ("member" = members and admins); anonymous callers get 401. What a user may do with one
// process (view, edit, delete, share) is checked by the operations in lib/server/processes on every call.

export const createProcessAction = action("member", ZProcessCreate, async (input, user) => {
  const process = await createProcess(input, user);
  revalidatePath("/editor");
  return { id: process.id };
});

/** Bound to the process id: `saveProcessAction.bind(null, id)`. */
export async function saveProcessAction(id: string, raw: unknown) {
  return action("member", ZProcessUpdate, async (input, user) => {
    const process = await saveProcess(String(id), input, user);
    revalidatePath("/editor");
    return process;
  })(raw);
}

export const deleteProcessAction = action("member", ZProcessId, async (id, user) => {
  const result = await deleteProcess(id, user);
  revalidatePath("/editor");
  return result;
});

/** Bound to the process id; `{ nodeId }` runs one node ("Test node"), `{ rerunOf }` repeats a run. */
export async function startRunAction(id: string, raw: unknown) {
  return action("member", ZRunRequest, async (input, user) => {
    const { runId } = await startProcessRun(String(id), input, user);
    revalidatePath(`/editor/${id}/runs`);
    return { runId };
  })(raw);
}

/** Bound to the process id: `cancelRunAction.bind(null, id)` called with the run id. */
export async function cancelRunAction(id: string, raw: unknown) {
  return action("member", ZProcessId, async (runId, user) => {
    const run = await cancelProcessRun(String(id), runId, user);
    revalidatePath(`/editor/${id}/runs`);
    return run;
  })(raw);
}

/** Bound to the process id: share with `{ username, role }` (role "none" takes it back). */
export async function shareProcessAction(id: string, raw: unknown) {
  return action("member", ZShareInput, async (input, user) => {
    const shares = await setShare("process", String(id), input, user);
    revalidatePath(`/editor/${id}`);
    return shares;
  })(raw);
}
